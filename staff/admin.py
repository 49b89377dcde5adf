"""Staff's two-factor devices in the admin, without their secrets.

django-otp's own admins already leave out a saved device's key, QR code and recovery codes,
because OTP_ADMIN_HIDE_SENSITIVE_DATA is on (see settings). These subclasses also refuse to add
a device here: the add form shows the new device's key to whoever fills it in, so a superuser
could make a second factor for a colleague and keep a copy. Devices come only from the person's
own enrolment page; a superuser may still look at one, or delete it so its owner enrols again.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

# django-otp registers its admins when the admin discovers them; staff comes later in
# INSTALLED_APPS, so these replace them.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(TOTPDeviceAdmin):
    def has_add_permission(self, request):
        return False


@admin.register(StaticDevice)
class RecoveryCodesAdmin(StaticDeviceAdmin):
    def has_add_permission(self, request):
        return False
