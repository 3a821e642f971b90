from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Password-reset emails are printed on the console in development.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
