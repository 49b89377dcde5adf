"""Top-level URLs. Each app keeps its own urls.py; the admin path comes from ADMIN_PATH."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clinic_site import views as site_views

admin.site.site_header = "Clinic staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Front desk and articles"

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    path("readyz", site_views.readyz, name="readyz"),
    path("csp-report/", site_views.csp_report, name="csp_report"),
    # Before the admin's own URLs, which would otherwise claim this prefix.
    path(f"{settings.ADMIN_PATH}two-factor/", include("staff.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("bookings.urls")),
    path("", include("pages.urls")),
]

handler400 = "clinic_site.views.bad_request"
handler403 = "clinic_site.views.permission_denied"
handler404 = "clinic_site.views.page_not_found"
handler500 = "clinic_site.views.server_error"  # 503 when the database is unreachable

if settings.DEBUG:
    # Uploaded article pictures on the local development server; in production the web
    # server or proxy must answer /media/ from MEDIA_ROOT.
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
