from django.shortcuts import render


def register(request):
    """Placeholder until the registration form lands (issue 3)."""
    return render(request, "registrations/register.html")
