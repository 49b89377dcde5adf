"""The operational scripts: the backup check and the drill's SMTP sink and form filler."""

import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from drill_clients import FormFiller  # noqa: E402 (scripts/ is not a package)
from drill_services import SmtpSink  # noqa: E402


@pytest.mark.django_db(transaction=True)
def test_backup_check_restores_every_table_with_matching_counts():
    from pages.models import ClinicProfile

    ClinicProfile.objects.load()
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}"
    )
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url}
    result = subprocess.run(
        ["scripts/backup_check.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every count matches after restore" in result.stdout


def test_smtp_sink_accepts_refuses_and_accepts_again():
    sink = SmtpSink()
    sink.start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as smtp:
            smtp.sendmail("site@example.com", ["desk@example.com"], "Subject: one\r\n\r\nbody")
        sink.refuse()
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP("127.0.0.1", sink.port, timeout=5)
        sink.accept()
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as smtp:
            smtp.sendmail("site@example.com", ["desk@example.com"], "Subject: two\r\n\r\nbody")
    finally:
        sink.close()
    assert len(sink.messages) == 2


def test_form_filler_fills_the_first_post_form_with_the_marker():
    filler = FormFiller("DRILL-0123456789ab")
    filler.feed(
        '<form method="get"><input name="q"></form>'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="tok">'
        '<input name="name"><input type="email" name="email"><input name="website">'
        '<input type="radio" name="via" value="phone"><input type="radio" name="via" value="email">'
        '<select name="contact"><option value="">Pick</option><option value="phone">Phone'
        '</option></select><input type="checkbox" name="consent" value="yes">'
        "<textarea name=message></textarea><button>Send</button></form>"
    )
    assert filler.fields["csrfmiddlewaretoken"] == "tok"
    assert "q" not in filler.fields and "website" not in filler.fields
    assert filler.fields["via"] == "email"
    assert filler.fields["email"] == "drill-0123456789ab@example.com"
    assert filler.fields["contact"] == "phone" and filler.fields["consent"] == "yes"
    assert "DRILL-0123456789ab" in filler.fields["message"]


@pytest.mark.django_db
def test_requeue_stuck_tasks_puts_a_crashed_workers_task_back_in_the_queue():
    import datetime
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def task(started_minutes_ago):
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
            args_kwargs={"args": [], "kwargs": {"request_id": 1, "kinds": ["staff"]}},
            task_path="bookings.tasks.send_notifications",
            backend_name="default",
            run_after=timezone.now(),
        )

    stuck, busy = task(started_minutes_ago=30), task(started_minutes_ago=1)
    out = StringIO()
    call_command("requeue_stuck_tasks", stdout=out)
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == TaskResultStatus.READY and stuck.started_at is None
    assert busy.status == TaskResultStatus.RUNNING  # another worker may still be on it
    assert "Requeued 1" in out.getvalue()
