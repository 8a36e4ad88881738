from django.shortcuts import render


def press_area(request):
    """Placeholder until the press area lands (issue 4)."""
    return render(request, "press/area.html")


def accreditation_request(request):
    """Placeholder until the accreditation form lands (issue 4)."""
    return render(request, "press/area.html")
