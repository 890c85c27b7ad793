#!/usr/bin/env python3
"""Splits a profile of `proviso eval` into its parts (bench/README.md, "End to end").

Reads `perf script -F ip,sym` of a `perf record --call-graph dwarf` profile and gives each
sample to the part named by its innermost frame that names one: read, decode (JSON to values,
values to the JIT's layout), evaluate, results to values, encode (the line), write (to the
output), free, startup; "other" is the rest. JIT code has no unwind tables, so a stack that
stops in it (or in the runtime calls it makes) is evaluation.

Usage:
  perf record -o perf.data --call-graph dwarf,16384 build/bin/proviso eval POLICY --input FILE --jobs 1 >/dev/null
  perf script -i perf.data -F ip,sym | /usr/bin/python3 bench/perf_phases.py [--other N]"""
import collections
import sys

PARTS = [
    ("read", ("InputStream::next", "InputStream::Impl")),
    ("decode: JSON to values", ("Decoder::decode_json",)),
    ("decode: values to JIT layout", ("flatten_for_evaluation", "flatten_inputs")),
    ("evaluate", ("CompiledPolicy::evaluate", "jit::Session::evaluate", "interp::Interpreter::evaluate")),
    ("results to values", ("jit::Session::result", "Host::decode")),
    ("encode", ("write_decisions_line",)),
    ("write", ("cli::Output::",)),
    ("free", ("~DecodeResult", "~EvalResult")),
    ("startup", ("_dl_", "dl_main", "compile_file", "CompiledPolicy::create")),
]
IN_JIT_CODE = ("[unknown]", "proviso_rt_", "rt::Calendar", "Host::calendar")


def part_of(stack):
    for frame in stack:  # innermost first
        for name, keys in PARTS:
            if any(k in frame for k in keys):
                return name
    if any(k in frame for frame in stack for k in IN_JIT_CODE):
        return "evaluate"
    return None


def main():
    show_other = int(sys.argv[sys.argv.index("--other") + 1]) if "--other" in sys.argv else 0
    counts = collections.Counter()
    other = collections.Counter()
    stack = []

    def sample():
        if not stack:
            return
        name = part_of(stack)
        counts[name or "other"] += 1
        if not name:
            other[" < ".join(f[:50] for f in stack[:3])] += 1
        stack.clear()

    for line in sys.stdin:
        if not line.strip() or not line[0].isspace():
            sample()
            continue
        fields = line.split(None, 1)
        if len(fields) == 2:
            stack.append(fields[1].strip())
    sample()
    total = sum(counts.values())
    if not total:
        sys.exit("perf_phases: no samples with call chains on standard input")
    for name, n in counts.most_common():
        print("%-30s %5.1f%%" % (name, 100 * n / total))
    for frames, n in other.most_common(show_other):
        print("  other %5.1f%%  %s" % (100 * n / total, frames))


if __name__ == "__main__":
    main()
