from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that must never have a public URL (journalists' documents).

    They are served only by views that check a permission; asking for a URL is a bug.
    On disk they are readable by the site's own user only (files 0o600, folders 0o700),
    whatever FILE_UPLOAD_PERMISSIONS says for public media and whatever the umask.
    """

    def __init__(self, *, file_permissions_mode=0o600, directory_permissions_mode=0o700,
                 **options):
        super().__init__(file_permissions_mode=file_permissions_mode,
                         directory_permissions_mode=directory_permissions_mode, **options)

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through a checked view.")


def __getattr__(name):
    """`PrivateS3Storage`: the same promise on S3-compatible object storage (several app
    servers, settings MEDIA_BUCKET/PRIVATE_MEDIA_BUCKET): private objects, no URL, read by
    the permission-checked view through `open()`. Defined on first use: importing
    django-storages and boto3 costs 0.3 s, which only processes configured for it pay."""
    if name != "PrivateS3Storage":
        raise AttributeError(name)
    from storages.backends.s3 import S3Storage

    class PrivateS3Storage(S3Storage):
        default_acl = "private"
        querystring_auth = True

        def url(self, name, *args, **kwargs):
            raise ValueError("Private files have no public URL: serve them through a checked view.")

    globals()[name] = PrivateS3Storage
    return PrivateS3Storage
