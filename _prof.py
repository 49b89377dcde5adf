import cProfile, os, pstats, re, sys, time
os.environ.update({
    "SECRET_KEY": "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false", "CONSULTATION_RATE_LIMIT": "1000000/h",
    "CONSULTATION_MIN_FILL_SECONDS": "0", "DJANGO_SETTINGS_MODULE": "clinic_site.settings"})
sys.path.insert(0, "bench")
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0); call_command("createcachetable"); call_command("load_starter_content", verbosity=0)
from django.test import Client
import data
c = Client()
r = c.get("/consultation/")
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode())[1]
bodies = data.form_bodies(400, token, 1)
def post(b):
    c.cookies.pop("consultation_sent", None)
    resp = c.generic("POST", "/consultation/", b, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 302, resp.status_code
for b in bodies[:50]: post(b)
t=time.process_time(); [post(b) for b in bodies[51:151]]; print("POST cpu ms", (time.process_time()-t)*10)
pr=cProfile.Profile(time.process_time); pr.enable(); [post(b) for b in bodies[151:351]]; pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(70)
def s(n): return c.get(f"/learn/search/?q=ketamine&bench={n}")
for n in range(20): s(n)
t=time.process_time(); [s(n) for n in range(100, 200)]; print("SEARCH cpu ms", (time.process_time()-t)*10)
pr=cProfile.Profile(time.process_time); pr.enable(); [s(n) for n in range(300, 500)]; pr.disable()
pstats.Stats(pr).sort_stats("cumulative").print_stats(70)
