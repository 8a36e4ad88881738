from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that must never have a public URL (journalists' documents).

    They are served only by views that check a permission; asking for a URL is a bug.
    """

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through a checked view.")
