#!/usr/bin/env bash
# Values outside the supported years 0001..9999 (hardening issue, finding 8) and valid input
# that Proviso cannot represent (finding 9), through `proviso eval` on both engines: each is
# an error with the path, never text that cannot be read back: a bad input is the line's
# "error", a decision that cannot be computed or written is that decision's, under "errors".
# Usage: value_ranges.sh PROVISO WORK_DIR
set -euo pipefail
PROVISO="$1"
W="$2"
rm -rf "$W"
mkdir -p "$W"
export XDG_CACHE_HOME="$W/cache"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
cat > "$W/r.policy" <<'POLICY'
policy r.p "Ranges"
  home zone zone "Pacific/Kiritimati"
input x {
  at: datetime
  day: date
  ratio: decimal?
}
decision later: datetime = x.at + 2 hours
decision next_day: date = x.day + 1 day
POLICY
printf '%s\n' \
  '{"x": {"at": "2026-03-03T10:00:00Z", "day": "2026-01-01"}}' \
  '{"x": {"at": "9999-12-31T09:30:00Z", "day": "2026-01-01"}}' \
  '{"x": {"at": "9999-12-31T23:00:00Z", "day": "2026-01-01"}}' \
  '{"x": {"at": "9999-12-31T08:30:00Z", "day": "9999-12-31"}}' \
  '{"x": {"at": "9999-12-31T23:59:59-14:00", "day": "2026-01-01"}}' \
  '{"x": {"at": "2026-12-31T23:59:60Z", "day": "2026-01-01"}}' \
  '{"x": {"at": "2026-12-31T23:59:59.5Z", "day": "2026-01-01"}}' \
  '{"x": {"at": "2026-12-31T23:59:59Z", "day": "0000-01-01"}}' \
  '{"x": {"at": "2026-12-31T23:59:59Z", "day": "2026-01-01", "ratio": 1e309}}' \
  > "$W/in.ndjson"
printf '\xef\xbb\xbf{"x": {"at": "2026-03-03T10:00:00Z", "day": "2026-01-01"}}\n' > "$W/bom.json"
cat > "$W/expected" <<'EXPECTED'
{"decisions":{"later":"2026-03-04T02:00:00+14:00","next_day":"2026-01-02"}}
{"decisions":{"next_day":"2026-01-02"},"errors":{"later":{"path":"later","message":"the datetime 10000-01-01T01:30:00+14:00 in the home zone `Pacific/Kiritimati` is outside the supported years 0001..9999","location":"r.policy:8:10"}}}
{"decisions":{"next_day":"2026-01-02"},"errors":{"later":{"path":"x.at","message":"the result 10000-01-01T01:00:00Z is outside the supported years 0001..9999","location":"r.policy:8:28"}}}
{"decisions":{},"errors":{"later":{"path":"later","message":"the datetime 10000-01-01T00:30:00+14:00 in the home zone `Pacific/Kiritimati` is outside the supported years 0001..9999","location":"r.policy:8:10"},"next_day":{"path":"x.day","message":"year 10000 is outside the supported years 0001..9999","location":"r.policy:9:27"}}}
{"error":{"path":"x.at","message":"the datetime \"9999-12-31T23:59:59-14:00\" (10000-01-01T13:59:59Z in UTC) is outside the supported years 0001..9999"}}
{"error":{"path":"x.at","message":"the datetime \"2026-12-31T23:59:60Z\" is a leap second, which is not supported: use :59 or the next minute"}}
{"error":{"path":"x.at","message":"the datetime \"2026-12-31T23:59:59.5Z\" has fractional seconds, which are not supported: datetimes are whole seconds"}}
{"error":{"path":"x.day","message":"the date \"0000-01-01\" is outside the supported years 0001..9999"}}
{"error":{"path":"x.ratio","message":"the number 1e309 is out of range: a decimal has at most 36 digits and 18 decimals"}}
EXPECTED
for engine in jit interp; do
  rc=0
  (cd "$W" && "$PROVISO" eval r.policy --input in.ndjson --engine "$engine") > "$W/out.$engine" || rc=$?
  [ "$rc" = 1 ] || fail "$engine: exit $rc"
  diff -u "$W/expected" "$W/out.$engine" || fail "$engine: unexpected output"
  out="$(cd "$W" && "$PROVISO" eval r.policy --input bom.json --engine "$engine")"
  [ "$out" = '{"decisions":{"later":"2026-03-04T02:00:00+14:00","next_day":"2026-01-02"}}' ] ||
    fail "$engine: a byte order mark: $out"
done
# The local date of an instant in the last hours of 9999, in a zone east of UTC.
cat > "$W/local.policy" <<'POLICY'
policy lo.p "Local date"
input x {
  at: datetime
}
decision day: date = date_of(x.at, zone "Pacific/Kiritimati")
POLICY
printf '%s\n' '{"x": {"at": "9999-12-31T09:00:00Z"}}' '{"x": {"at": "9999-12-31T11:00:00Z"}}' > "$W/local.ndjson"
cat > "$W/local.expected" <<'EXPECTED'
{"decisions":{"day":"9999-12-31"}}
{"decisions":{},"errors":{"day":{"path":"x.at","message":"the local date of 9999-12-31T11:00:00Z in `Pacific/Kiritimati` is outside the supported years 0001..9999","location":"local.policy:5:22"}}}
EXPECTED
for engine in jit interp; do
  (cd "$W" && "$PROVISO" eval local.policy --input local.ndjson --engine "$engine") > "$W/local.$engine" || true
  diff -u "$W/local.expected" "$W/local.$engine" || fail "$engine: date_of near the end of 9999"
done
# A datetime that cannot be written, inside a record and a list: the path goes down to it
# (the JIT writes the line from its output struct, the interpreter from its values).
cat > "$W/nested.policy" <<'POLICY'
policy ne.p "Nested"
  home zone zone "Pacific/Kiritimati"
record Stamp { label: text, at: datetime? }
input x {
  stamp: Stamp
  stamps: list of Stamp
}
decision one: Stamp = x.stamp
decision all: list of Stamp = x.stamps
POLICY
printf '%s\n' \
  '{"x": {"stamp": {"label": "a", "at": "2026-01-01T00:00:00Z"}, "stamps": [{"label": "b"}]}}' \
  '{"x": {"stamp": {"label": "a", "at": "9999-12-31T23:00:00Z"}, "stamps": []}}' \
  '{"x": {"stamp": {"label": "a"}, "stamps": [{"label": "b"}, {"label": "c", "at": "9999-12-31T23:00:00Z"}]}}' \
  > "$W/nested.ndjson"
cat > "$W/nested.expected" <<'EXPECTED'
{"decisions":{"one":{"label":"a","at":"2026-01-01T14:00:00+14:00"},"all":[{"label":"b","at":null}]}}
{"decisions":{"all":[]},"errors":{"one":{"path":"one.at","message":"the datetime 10000-01-01T13:00:00+14:00 in the home zone `Pacific/Kiritimati` is outside the supported years 0001..9999","location":"nested.policy:8:10"}}}
{"decisions":{"one":{"label":"a","at":null}},"errors":{"all":{"path":"all[1].at","message":"the datetime 10000-01-01T13:00:00+14:00 in the home zone `Pacific/Kiritimati` is outside the supported years 0001..9999","location":"nested.policy:9:10"}}}
EXPECTED
for engine in jit interp; do
  (cd "$W" && "$PROVISO" eval nested.policy --input nested.ndjson --engine "$engine") > "$W/nested.$engine" || true
  diff -u "$W/nested.expected" "$W/nested.$engine" || fail "$engine: an unwritable datetime inside a record and a list"
done
echo ok
