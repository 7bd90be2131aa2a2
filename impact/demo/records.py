"""Demo data of the impact app: FFT and turnover series, characteristics, peer groups, ITS runs.

Raw records only: monthly values (turnover as leavers and headcounts), organisation
characteristics and the partner trusts' real A&E rows go in through the app's services and
import spec; the ITS results are computed by running the app's own job on them.

``data/trust_characteristics.csv`` holds, per type-1 A&E provider in NHS England's
ae_attendances file (April 2016 – March 2019, providers with ≥ 30 months): log mean monthly
type-1 attendances, admission conversion (admissions / attendances) and 4-hour performance.
``data/ae_attendances_partners.csv`` is that file's rows for the five partner trusts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.contrib.auth import get_user_model

from impact import services
from impact.analysis.peers import nearest_peers
from impact.demo import series as demo_series
from impact.selectors import characteristics_table
from vmi_programme import imports as pipeline
from vmi_programme.demo import DemoContext
from vmi_programme.models import Organisation, OrganisationKind

DATA_DIR = Path(__file__).parent / "data"
CHARACTERISTICS_AS_OF = dt.date(2019, 3, 31)


def seed(ctx: DemoContext) -> None:
    measures = services.ensure_standard_measures()
    organisations = _organisations()
    admin = _admin_user()
    _seed_series(measures, organisations)
    _seed_characteristics(organisations)
    _seed_peer_groups(organisations, admin)
    _seed_ae_file(admin)
    _seed_its_runs(organisations, admin)


def _organisations() -> dict[str, Organisation]:
    """Partner and peer trusts by ODS code; a demo peer missing from the register is added."""
    codes = {code for partner, peers in demo_series.PEERS.items() for code in [partner, *peers]}
    found = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=codes)}
    for code in sorted(codes - set(found)):
        found[code] = Organisation.objects.create(
            kind=OrganisationKind.PEER_TRUST,
            name=f"Peer trust {code}",
            short_name=code,
            ods_code=code,
        )
    return found


def _admin_user():
    return get_user_model().objects.filter(username="admin").first()


def _seed_series(measures, organisations) -> None:
    fft = demo_series.generate_fft()
    services.record_values(
        measures["fft_ae_recommend"],
        [
            services.MonthValue(organisations[row.org_code], row.period.date(), value=row.value)
            for row in fft.itertuples(index=False)
        ],
        rerun=False,
    )
    flows = demo_series.generate_turnover()
    services.record_values(
        measures["staff_turnover"],
        [
            services.MonthValue(
                organisations[row.org_code],
                row.period.date(),
                numerator=float(row.leavers),
                denominator=(row.headcount_start + row.headcount_end) / 2,
            )
            for row in flows.itertuples(index=False)
        ],
        rerun=False,
    )


def _seed_characteristics(organisations) -> None:
    by_code = {o.ods_code: o for o in Organisation.objects.exclude(ods_code=None)}
    with open(DATA_DIR / "trust_characteristics.csv", encoding="utf-8") as handle:
        rows = [
            (by_code[row["org_code"]], row["name"], float(row["value"]))
            for row in csv.DictReader(handle)
            if row["org_code"] in by_code
        ]
    services.set_characteristics(rows, CHARACTERISTICS_AS_OF, source="NHS England A&E, 2016–19")


def _seed_peer_groups(organisations, user) -> None:
    """The demo peers (chosen once by nearest distance without reuse across partners), recorded
    with their distances on the stored characteristics."""
    features, as_of = characteristics_table()
    for partner, peers in demo_series.peer_groups().items():
        result = nearest_peers(features, partner, k=len(features) - 1)
        distances = result.peers["distance"].to_dict()
        services.set_manual_peers(
            organisations[partner],
            peers,
            distances={code: float(distances[code]) for code in peers if code in distances},
            user=user,
            notes=(
                "The ten type-1 A&E providers nearest by Euclidean distance on standardised log "
                "attendances, admission conversion and 4-hour performance (April 2016 – March "
                "2019), taking the partners in turn without reusing a peer; distances are to "
                f"this trust over all {len(features)} providers characterised."
            ),
        )


def _seed_ae_file(user) -> None:
    """The partner trusts' real A&E rows, through the import pipeline as an analyst would."""
    if user is None:
        return
    content = (DATA_DIR / "ae_attendances_partners.csv").read_bytes()
    upload = io.BytesIO(content)
    upload.name = "ae_attendances_partners.csv"
    spec = pipeline.get_spec("impact.ae_attendances")
    result = pipeline.preview(spec, upload, user)
    pipeline.commit(result.batch, user)


def _seed_its_runs(organisations, user) -> None:
    """One stored run per partner trust and measure, with the options the report's directions
    are checked with (HAC errors, month-of-year seasonality, July 2015)."""
    for measure in ("fft_ae_recommend", "staff_turnover"):
        for partner, peers in demo_series.peer_groups().items():
            trust = organisations[partner]
            group = trust.peer_groups.order_by("-created_at", "-pk").first()
            services.submit_its_run(
                {
                    "measure": measure,
                    "trust": partner,
                    "intervention": str(demo_series.INTERVENTION),
                    "seasonality": demo_series.ITS_OPTIONS["seasonality"],
                    "errors": demo_series.ITS_OPTIONS["errors"],
                    "peers": peers,
                    "peer_group": group.pk if group else None,
                },
                trust=trust,
                user=user,
            )
