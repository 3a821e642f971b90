from django.conf import settings


def council(request):
    return {"COUNCIL_NAME": settings.COUNCIL_NAME, "COUNCIL_CODE": settings.COUNCIL_CODE}
