#!/usr/bin/env python3
"""Random but valid input records for `proviso eval` (bench/README.md, end to end).

  triage COUNT SEED OUT  {"case":{...}} for policies/bench/triage.policy, with the field
                         frequencies of policies/bench/triage.ndjson
  qlik COUNT SEED OUT    {"contract":{...},"case":{...}} and, in 40% of the records,
                         "reinstatement":{...} for policies/qlik/oem_maintenance.policy, in the
                         value forms of policies/qlik/deadlines.ndjson

One compact JSON object per line. The same COUNT and SEED give the same bytes (Python's
random.Random is stable across versions for random() and randrange()). OUT is written through
a temporary file and renamed, so an interrupted run leaves no partial file behind.

Usage: /usr/bin/python3 bench/gen_records.py triage|qlik COUNT SEED OUT"""
import datetime as dt
import os
import random
import sys
import zoneinfo


def triage(rng, count, out):
    r = rng.random
    tiers = ("Enterprise", "Basic")
    channels = ("Phone", "Portal", "Email")
    tf = ("false", "true")
    lines = []
    for _ in range(count):
        # Each exclusion's fact is bad in about a third of the records, as in triage.ndjson,
        # so every exclusion, and every row of the response table, is reached.
        lines.append(
            '{"case":{"tier":"%s","severity":%d,"channel":"%s","region_matches":%s,'
            '"version_supported":%s,"evaluation_license":%s,"fees_paid":%s,"reproducible":%s}}\n'
            % (
                tiers[r() < 0.5],
                1 + int(r() * 3),
                channels[int(r() * 3)],
                tf[r() < 0.68],
                tf[r() < 0.68],
                tf[r() < 0.32],
                tf[r() < 0.68],
                tf[r() < 0.68],
            )
        )
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


ZONES = {
    "NewYork": zoneinfo.ZoneInfo("America/New_York"),
    "London": zoneinfo.ZoneInfo("Europe/London"),
}
UTC = dt.timezone.utc
START = dt.datetime(2020, 1, 1, tzinfo=UTC)
SPAN_MINUTES = int((dt.datetime(2036, 1, 1, tzinfo=UTC) - START).total_seconds() // 60)


def qlik(rng, count, out):
    r = rng.random
    tf = ("false", "true")
    zones = list(ZONES.values())

    def chance(p):
        return tf[r() < p]

    def stamp(instant, centre_zone):
        # Mostly in the centre's zone (its local offset, DST included), sometimes in the
        # other centre's zone or in UTC: an offset names an instant whatever the zone.
        x = r()
        zone = centre_zone if x < 0.7 else (UTC if x < 0.85 else zones[int(r() * 2)])
        return instant.astimezone(zone).isoformat()

    def minutes(lo, hi):
        return dt.timedelta(minutes=lo + int(r() * (hi - lo)))

    def money():
        return "%d.%02d USD" % (1000 + int(r() * 150000), int(r() * 100))

    lines = []
    for _ in range(count):
        centre = "NewYork" if r() < 0.5 else "London"
        zone = ZONES[centre]
        reported = START + dt.timedelta(minutes=int(r() * SPAN_MINUTES))
        as_of = reported + minutes(-2 * 1440, 60 * 1440)
        as_of_day = as_of.astimezone(zone).date()
        support_end = as_of_day + dt.timedelta(days=int(r() * 1900) - 400)
        dse_commenced = (
            "null" if r() < 0.3 else '"%s"' % (as_of_day + dt.timedelta(days=int(r() * 700) - 500)).isoformat()
        )
        last_update = "null" if r() < 0.35 else '"%s"' % stamp(reported + minutes(0, 20 * 1440), zone)
        awaiting = "null" if r() < 0.5 else '"%s"' % stamp(reported + minutes(0, 30 * 1440), zone)
        # Around as_of: after it (no escalation yet), and within each level of 7.3 and past them.
        escalated = "null" if r() < 0.5 else '"%s"' % stamp(as_of - minutes(-24 * 60, 200 * 60), zone)
        x = r()
        product = "Licensed" if x < 0.8 else ("Extension" if x < 0.9 else "Freeware")
        line = (
            '{"contract":{"support":"%s","support_centre":"%s","maintenance_current":%s,'
            '"support_end":"%s","dse_purchased":%s,"dse_fee_paid":%s,"dse_commenced":%s,'
            '"technical_contacts":%d},'
            '"case":{"severity":%d,"channel":"%s","product":"%s","reported_at":"%s",'
            '"caused_by_product":%s,"reproducible_standalone":%s,"reported_in_assigned_territory":%s,'
            '"supported_os":%s,"meets_minimum_requirements":%s,"unapproved_modification":%s,'
            '"used_per_documentation":%s,"supported_version":%s,"evaluation_or_unpaid":%s,'
            '"last_update_at":%s,"awaiting_partner_since":%s,"escalated_at":%s,"as_of":"%s"}'
            % (
                "Enterprise" if r() < 0.5 else "Basic",
                centre,
                chance(0.9),
                support_end.isoformat(),
                chance(0.5),
                chance(0.8),
                dse_commenced,
                1 + int(r() * 6),
                1 + int(r() * 3),
                ("Phone", "Portal", "Email")[int(r() * 3)],
                product,
                stamp(reported, zone),
                chance(0.95),
                chance(0.95),
                chance(0.95),
                chance(0.95),
                chance(0.95),
                chance(0.05),
                chance(0.95),
                chance(0.95),
                chance(0.05),
                last_update,
                awaiting,
                escalated,
                stamp(as_of, zone),
            )
        )
        if r() < 0.4:
            # 2.3: paid before the lapse, within 12 months of it, or later (discretionary).
            lapse = dt.date(2020, 1, 1) + dt.timedelta(days=int(r() * 5840))
            payment = lapse + dt.timedelta(days=int(r() * 570) - 30)
            line += ',"reinstatement":{"lapse_date":"%s","payment_date":"%s","annual_fee":"%s",' \
                '"lapsed_fees":"%s","total_fees":"%s"}' % (lapse.isoformat(), payment.isoformat(), money(), money(),
                                                            money())
        lines.append(line + "}\n")
        if len(lines) >= 65536:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("triage", "qlik"):
        sys.exit(__doc__.rsplit("\n", 1)[-1])
    kind, count, seed, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "w", encoding="ascii", newline="\n") as out:
        (triage if kind == "triage" else qlik)(rng, count, out)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
