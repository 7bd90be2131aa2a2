"""The benchmark's baseline page: the whole stack (middleware, sign-in, base.html) and one query.

Served at /bench/bare/ only when settings.BENCHMARK_VIEWS is on (scripts/benchmark.py turns it
on); every page's time is reported as a multiple of this one's.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def bare(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the one trivial query every page makes at least
    return render(request, "base.html", {})
