#!/usr/bin/env python3
"""`proviso lsp` end to end: a client opens every shipped policy and checks a specific result
for every feature: diagnostics (with related information) on open and after edits that break
and fix the text, code actions, hover, definition, references, rename, completion, formatting
(whole and range), document symbols, semantic tokens, the test and decision lenses and their
commands, and the protocol's edges (errors, unknown methods, shutdown).

Usage: lsp_test.py PROVISO SOURCE_DIR"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import LspClient  # noqa: E402

proviso, root = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def uri_of(path):
    return "file://" + os.path.abspath(path)


def pos(text, needle, nth=0, delta=0):
    """The LSP position (UTF-16) of the nth occurrence of `needle`, plus `delta` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line, "character": len(text[start:at].encode("utf-16-le")) // 2}


def offset(text, p):
    lines = text.split("\n")
    before = "\n".join(lines[:p["line"]]) + ("\n" if p["line"] > 0 else "")
    col = lines[p["line"]].encode("utf-16-le")[:2 * p["character"]].decode("utf-16-le")
    return len(before) + len(col)


def apply_edits(text, edits):
    spans = [(offset(text, e["range"]["start"]), offset(text, e["range"]["end"]), e["newText"]) for e in edits]
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def errors(diags):
    return [d for d in diags if d.get("severity") == 1]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


policies = sorted(glob.glob(os.path.join(root, "policies", "**", "*.policy"), recursive=True))
triage_path = os.path.join(root, "policies", "bench", "triage.policy")
desk_path = os.path.join(root, "policies", "examples", "service_desk.policy")
qlik_path = os.path.join(root, "policies", "qlik", "oem_maintenance.policy")

c = LspClient(proviso, debounce_ms=20)
caps = c.init["capabilities"]
for cap in ("hoverProvider", "definitionProvider", "referencesProvider", "renameProvider", "completionProvider",
            "documentFormattingProvider", "documentRangeFormattingProvider", "documentSymbolProvider",
            "codeActionProvider", "codeLensProvider", "semanticTokensProvider", "executeCommandProvider"):
    check(cap in caps, f"initialize announces {cap}")

# ---- every shipped policy opens without errors ----
for path in policies:
    text = read(path)
    c.open(uri_of(path), text)
    diags = c.diagnostics(uri_of(path), 1)
    check(errors(diags) == [], f"{os.path.relpath(path, root)} opens without errors: {errors(diags)[:1]}")
    symbols = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri_of(path)}})
    check(len(symbols) > 3, f"{os.path.relpath(path, root)} has an outline")

# ---- diagnostics after an edit that breaks the text, a code action that fixes it ----
T = uri_of(triage_path)
triage = read(triage_path)
p = pos(triage, "covered and response")
v = c.change(T, [{"range": {"start": p, "end": {"line": p["line"], "character": p["character"] + 7}},
                  "text": "coverd"}])
diags = c.diagnostics(T, v)
unknown = [d for d in diags if "unknown name `coverd`" in d["message"]]
check(len(unknown) == 1, f"an unknown name is reported: {diags}")
if unknown:
    d = unknown[0]
    check(d["code"].startswith("P") and d["severity"] == 1 and d["source"] == "proviso", f"diagnostic fields: {d}")
    check(d["range"]["start"] == p, f"the diagnostic is at the name: {d['range']}")
    check("did you mean `covered`?" in d["message"], "the help is in the message")
    actions = c.request("textDocument/codeAction", {"textDocument": {"uri": T}, "range": d["range"],
                                                    "context": {"diagnostics": [d]}})
    check(len(actions) == 1 and actions[0]["title"] == "Change to `covered`" and actions[0]["isPreferred"],
          f"the did-you-mean code action: {actions}")
    if actions:
        broken = apply_edits(triage.replace("covered and response", "coverd and response", 1), [])
        fixed = apply_edits(broken, actions[0]["edit"]["changes"][T])
        check(fixed == triage, "applying the code action restores the text")
        v = c.change(T, [{"text": fixed}])
        check(errors(c.diagnostics(T, v)) == [], "the fixed text has no errors")

# A duplicate declaration: the related information points at the first one.
dup = triage + "\nconst utc: zone = zone \"UTC\"\n"
v = c.change(T, [{"text": dup}])
diags = c.diagnostics(T, v)
twice = [d for d in diags if "declared twice" in d["message"]]
check(len(twice) == 1 and twice[0].get("relatedInformation", [{}])[0].get("message") == "first declared here"
      and twice[0]["relatedInformation"][0]["location"]["range"]["start"] == pos(triage, "utc: zone"),
      f"related information of a duplicate: {twice}")

# A misused name: the related information shows its declaration and type.
misuse = triage + '\ndecision minutes: integer  clause "7.2" = covered\n'
v = c.change(T, [{"text": misuse}])
diags = c.diagnostics(T, v)
found = [d for d in diags if d["range"]["start"] == pos(misuse, "= covered\n", 0, 2)]
check(len(found) == 1 and {"location": {"uri": T, "range": {"start": pos(triage, "covered: bool"),
                                                            "end": pos(triage, "covered: bool", 0, 7)}},
                           "message": "`covered` is declared here as `bool`"} in found[0].get("relatedInformation", []),
      f"the declaration of a misused name: {found}")

# `25% * x` is refused with `25% of x` as its fix; a missing match arm gets one added.
pct = triage.replace("decision covered: bool  clause \"7.2\" = is_empty(exclusion_list)",
                     "decision covered: bool  clause \"7.2\" = is_empty(exclusion_list)\n\n"
                     "decision share: decimal  clause \"7.2\" = 25% * case.severity\n\n"
                     "decision tier_word: text  clause \"7.2\" = match case.tier {\n  Enterprise => \"E\",\n}")
v = c.change(T, [{"text": pct}])
diags = c.diagnostics(T, v)
for needle, expect_text in (("multiplies a percent", "25% of case.severity"),
                            ("does not cover Basic", "  Basic => VALUE,\n")):
    found = [d for d in diags if needle in d["message"]]
    check(len(found) == 1, f"diagnostic `{needle}`: {diags}")
    if found:
        actions = c.request("textDocument/codeAction", {"textDocument": {"uri": T}, "range": found[0]["range"],
                                                        "context": {"diagnostics": found}})
        texts = [e["newText"] for a in actions for e in a["edit"]["changes"][T]]
        check(expect_text in texts, f"code action for `{needle}` gives {expect_text!r}: {texts}")
# An optional used as a value: `?? DEFAULT` is offered.
opt = triage.replace("if covered then response.every_hours else none", "response.every_hours + 1")
v = c.change(T, [{"text": opt}])
diags = c.diagnostics(T, v)
absent = [d for d in diags if "may be absent" in d["message"]]
if absent:
    actions = c.request("textDocument/codeAction", {"textDocument": {"uri": T}, "range": absent[0]["range"],
                                                    "context": {"diagnostics": absent}})
    texts = [e["newText"] for a in actions for e in a["edit"]["changes"][T]]
    check("(response.every_hours ?? DEFAULT)" in texts and not actions[0]["isPreferred"],
          f"the ?? DEFAULT action: {actions}")
else:
    check(False, f"an optional used as a value is reported: {diags}")
v = c.change(T, [{"text": triage}])
check(errors(c.diagnostics(T, v)) == [], "the original text again has no errors")

# What no test reaches is faded: without the test of Basic Severity 2, row 6 of `response`.
start = triage.index('test "Basic Severity 2')
end = triage.index("\ntest ", start + 1) + 1
v = c.change(T, [{"text": triage[:start] + triage[end:]}])
diags = c.diagnostics(T, v)
hints = [d for d in diags if d["severity"] == 4]
check([(h["message"], h.get("tags"), h["range"]["start"]["line"]) for h in hints] ==
      [("table `response` row 6 is reached by no test", [1], pos(triage, "| Basic      | 2 |")["line"])],
      f"unreached code as faded hints: {hints}")
v = c.change(T, [{"text": triage}])
check(c.diagnostics(T, v) == [], "with every test, no hint")

# ---- hover ----
def hover(uri, text, needle, nth=0, delta=0):
    h = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos(text, needle, nth, delta)})
    return h["contents"]["value"] if h else ""


h = hover(T, triage, "response.initial_minutes")
check("**table** `response`" in h and 'clause "5.2, 6.2"' in h and "Enterprise Support Coverage" in h,
      f"hover on a table: {h!r}")
h = hover(T, triage, "initial_minutes", 1)
check("**table column** `response.initial_minutes`: `integer`" in h, f"hover on a column: {h!r}")
h = hover(T, triage, "case.tier", 0, 5)
check("**field** `case.tier`: `Tier`" in h, f"hover on a field: {h!r}")
h = hover(T, triage, "decision covered", 0, 10)
check("**decision** `covered`: `bool`" in h and 'clause "7.2"' in h, f"hover on a decision: {h!r}")
h = hover(T, triage, "Portal |")  # in `enum Channel = Phone | Portal | Email`
check("**enum member** `Channel.Portal`" in h, f"hover on a member: {h!r}")
h = hover(T, triage, "| Basic      | 2 |", 0, 3)
check("**enum member** `Tier.Basic`" in h, f"hover on a member in a table cell: {h!r}")
h = hover(T, triage, "is_empty(exclusion_list)", 0, 2)
check("`is_empty(exclusion_list)`: `bool`" in h, f"hover on an expression: {h!r}")
h = hover(T, triage, "| Basic      | 2 |", 0, 15)
check("**row 6** of the table `response`" in h, f"hover on a table row: {h!r}")
D = uri_of(desk_path)
desk = read(desk_path)
h = hover(D, desk, "ticket.opened_at + targets.response in support_hours", 0, 43)
check("**calendar** `support_hours`" in h and "Monday: 09:00-17:00" in h and "Saturday: closed" in h
      and "zone: `Europe/London`" in h and "next holidays:" in h, f"hover on a calendar: {h!r}")
h = hover(D, desk, "except england_wales", 0, 8)
check("**holidays** `england_wales`" in h and "-12-25" in h and "Christmas" in h, f"hover on holidays: {h!r}")

# ---- definition, references, highlights ----
d = c.request("textDocument/definition", {"textDocument": {"uri": T}, "position": pos(triage, "covered then", 0, 2)})
check(d and d["uri"] == T and d["range"]["start"] == pos(triage, "covered: bool"), f"definition: {d}")
d = c.request("textDocument/definition", {"textDocument": {"uri": T}, "position": pos(triage, "channel: Portal", 0, 10)})
check(d and d["range"]["start"] == pos(triage, "Portal |"), f"definition of a member: {d}")
refs = c.request("textDocument/references", {"textDocument": {"uri": T}, "position": pos(triage, "covered then", 0, 1),
                                            "context": {"includeDeclaration": True}})
n_covered = triage.count("covered") - triage.count("covered_") - triage.count("discovered")
lines = sorted(r["range"]["start"]["line"] for r in refs)
check(len(refs) == 4 + triage.count("expect covered"),
      f"references of `covered`: {len(refs)} at lines {lines}")
refs = c.request("textDocument/references", {"textDocument": {"uri": T}, "position": pos(triage, "case.tier", 0, 6),
                                            "context": {"includeDeclaration": False}})
check(len(refs) == 2 + triage.count("{ tier:") and refs[0]["range"]["start"] == pos(triage, "case.tier", 0, 5),
      f"references of a field (the table's `given`, the fixture, each `with`): {refs}")
hl = c.request("textDocument/documentHighlight", {"textDocument": {"uri": T}, "position": pos(triage, "good_case =")})
check(len(hl) == triage.count("good_case"), f"highlights of a fixture: {len(hl)}")

# ---- rename ----
prep = c.request("textDocument/prepareRename", {"textDocument": {"uri": T}, "position": pos(triage, "covered then", 0, 3)})
check(prep and prep["placeholder"] == "covered", f"prepareRename: {prep}")
r = c.request("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "covered then", 0, 3),
                                      "newName": "is_covered"})
renamed = apply_edits(triage, r["changes"][T])
check(renamed.count("is_covered") == 4 + triage.count("expect covered"), "rename edits every use")
v = c.change(T, [{"text": renamed}])
check(errors(c.diagnostics(T, v)) == [], "the renamed policy has no errors")
v = c.change(T, [{"text": triage}])
c.diagnostics(T, v)
bad = c.request_full("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "covered then"),
                                             "newName": "exclusion"})
check("error" in bad and "already the name" in bad["error"]["message"], f"rename onto a taken name: {bad}")
bad = c.request_full("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "covered then"),
                                             "newName": "if"})
check("error" in bad and "not a name" in bad["error"]["message"], f"rename to a keyword: {bad}")
r = c.request("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "Portal |"),
                                      "newName": "WebPortal"})
renamed = apply_edits(triage, r["changes"][T])
check(renamed.count("WebPortal") == triage.count("Portal"), "renaming an enum member")
r = c.request("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "Enterprise | Basic"),
                                      "newName": "Premium"})
renamed = apply_edits(triage, r["changes"][T])
check(len(r["changes"][T]) == 1 + triage.count("| Enterprise |") + triage.count("tier: Enterprise")
      and renamed.count("| Premium |") == 4, "renaming an enum member used in table cells")
r = c.request("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "response.hours_only", 0, 9),
                                      "newName": "business_hours"})
check(len(r["changes"][T]) == 1 + triage.count("response.hours_only"), "renaming a table column")

# ---- completion ----
def complete(text, at):
    r = c.request("textDocument/completion", {"textDocument": {"uri": T}, "position": at})
    return [i["label"] for i in r["items"]]


probe = triage.replace("= covered and response.hours_only", "= case.")
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "= case.", 0, 7))
check({"tier", "severity", "channel", "fees_paid"} <= set(labels) and "covered" not in labels,
      f"fields after `case.`: {labels}")
probe = triage.replace("= covered and response.hours_only", "= response.")
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "= response.", 0, 11))
check(set(labels) == {"initial_minutes", "hours_only", "every_hours"}, f"columns after `response.`: {labels}")
probe = triage.replace("= covered and response.hours_only", "= case.tier = ")
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "case.tier = ", 0, 12))
check(labels[:2] == ["Enterprise", "Basic"] and "covered" in labels, f"members where a Tier is expected: {labels}")
probe = triage.replace("expect covered = true", "expect covered = ", 1)
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "expect covered = ", 0, 17))
check(labels[:2] == ["true", "false"], f"booleans where a decision's bool is expected: {labels}")
probe = triage.replace("  | Basic      | 3 | -         | 540 | true  | none |\n",
                       "  | Basic      | 3 | -         | 540 | true  | none |\n  | \n")
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "  | \n", 0, 4))
check(labels[:2] == ["Enterprise", "Basic"], f"members in a table cell of an enum column: {labels}")
probe = triage.replace("decision covered: bool", "let wait: duration = 30 \n\ndecision covered: bool")
v = c.change(T, [{"text": probe}])
c.diagnostics(T, v)
labels = complete(probe, pos(probe, "= 30 ", 0, 5))
check({"minutes", "hours", "business hours", "days"} <= set(labels), f"units after a number: {labels}")
v = c.change(T, [{"text": triage}])
c.diagnostics(T, v)
labels = complete(triage, pos(triage, "is_empty("))
check({"covered", "exclusion_list", "case", "response", "good_case", "decision", "table"} <= set(labels),
      f"names and keywords anywhere: {labels}")
desk_probe = desk.replace("ticket.opened_at + targets.response in support_hours", "ticket.opened_at + targets.response in ")
v = c.change(D, [{"text": desk_probe}])
c.diagnostics(D, v)
r = c.request("textDocument/completion", {"textDocument": {"uri": D},
                                          "position": pos(desk_probe, "targets.response in ", 0, 20)})
labels = [i["label"] for i in r["items"]]
check(labels and labels[0] == "support_hours", f"calendars after `in`: {labels[:5]}")
desk_probe = desk.replace("except england_wales", "except ")
v = c.change(D, [{"text": desk_probe}])
c.diagnostics(D, v)
r = c.request("textDocument/completion", {"textDocument": {"uri": D}, "position": pos(desk_probe, "except ", 0, 7)})
labels = [i["label"] for i in r["items"]]
check("england_wales" in labels and "support_hours" not in labels, f"holiday sets after `except`: {labels[:8]}")
v = c.change(D, [{"text": desk}])
c.diagnostics(D, v)

# ---- formatting ----
messy = triage.replace("decision covered: bool  clause \"7.2\" = is_empty(exclusion_list)",
                       "decision   covered :bool clause \"7.2\"=\n      is_empty( exclusion_list )")
v = c.change(T, [{"text": messy}])
c.diagnostics(T, v)
edits = c.request("textDocument/formatting", {"textDocument": {"uri": T}, "options": {"tabSize": 2,
                                                                                       "insertSpaces": True}})
check(len(edits) == 1 and apply_edits(messy, edits) == triage, "formatting restores the canonical layout")
start = pos(messy, "decision   covered")
edits = c.request("textDocument/rangeFormatting", {"textDocument": {"uri": T}, "range": {"start": start, "end": start},
                                                   "options": {"tabSize": 2, "insertSpaces": True}})
check(len(edits) == 1 and apply_edits(messy, edits) == triage and edits[0]["range"]["start"]["line"] == start["line"],
      f"range formatting changes the declaration only: {edits}")
edits = c.request("textDocument/rangeFormatting", {"textDocument": {"uri": T},
                                                   "range": {"start": {"line": 0, "character": 0},
                                                             "end": {"line": 2, "character": 0}},
                                                   "options": {"tabSize": 2, "insertSpaces": True}})
check(edits == [], f"range formatting elsewhere changes nothing: {edits}")
v = c.change(T, [{"text": triage.replace("policy bench", "polcy bench")}])
c.diagnostics(T, v)
bad = c.request_full("textDocument/formatting", {"textDocument": {"uri": T}, "options": {}})
check("error" in bad and "cannot format" in bad["error"]["message"], f"formatting a file that does not parse: {bad}")
v = c.change(T, [{"text": triage}])
c.diagnostics(T, v)

# ---- symbols ----
symbols = c.request("textDocument/documentSymbol", {"textDocument": {"uri": T}})
by_name = {s["name"]: s for s in symbols}
check(by_name.get("covered", {}).get("kind") == 12 and by_name["covered"]["detail"] == "decision: bool",
      f"a decision in the outline: {by_name.get('covered')}")
check([ch["name"] for ch in by_name.get("response", {}).get("children", [])] ==
      ["initial_minutes", "hours_only", "every_hours"], "a table's columns in the outline")
check([ch["name"] for ch in by_name.get("Tier", {}).get("children", [])] == ["Enterprise", "Basic"],
      "an enum's members in the outline")
check(by_name.get("Basic Severity 1, whatever the channel", {}).get("kind") == 24, "tests in the outline")

# ---- semantic tokens ----
legend = caps["semanticTokensProvider"]["legend"]["tokenTypes"]
data = c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": T}})["data"]
tokens = {}
line = char = 0
lines_text = triage.split("\n")
for i in range(0, len(data), 5):
    dl, dc, length, typ, mods = data[i:i + 5]
    line += dl
    char = char + dc if dl == 0 else dc
    word = lines_text[line].encode("utf-16-le")[2 * char:2 * (char + length)].decode("utf-16-le")
    tokens.setdefault(word, set()).add(legend[typ])
for word, kind in (('"5.2, 6.2"', "clause"), ("good_case", "variable"), ("covered", "function"),
                   ("Enterprise", "enumMember"), ("response", "class"), ("initial_minutes", "property"),
                   ("2024-01-01", "date"), ("-- Tests", "comment"), ("decision", "keyword"),
                   ('"7.2(ii)"', "string"), ("Tier", "enum")):
    check(kind in tokens.get(word, set()), f"semantic token of {word}: {tokens.get(word)}")
desk_data = c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": D}})["data"]
kinds = {legend[desk_data[i + 3]] for i in range(0, len(desk_data), 5)}
check({"unit", "date", "clause", "event"} <= kinds, f"units, dates, clauses and calendars in service_desk: {kinds}")
money_src = os.path.join(root, "policies", "qlik", "oem_maintenance.policy")
Q = uri_of(qlik_path)
qdata = c.request("textDocument/semanticTokens/full", {"textDocument": {"uri": Q}})["data"]
qkinds = {legend[qdata[i + 3]] for i in range(0, len(qdata), 5)}
check("number" in qkinds and "unit" in qkinds, f"numbers and units in Qlik OEM: {qkinds}")

# ---- code lenses and their commands ----
lenses = c.request("textDocument/codeLens", {"textDocument": {"uri": T}})
tests = [l for l in lenses if l["command"]["command"] == "proviso.runTest"]
decisions = [l for l in lenses if l["command"]["command"] == "proviso.evaluateDecision"]
check(len(tests) == triage.count("\ntest ") and all(l["command"]["title"] == "✓ passed" for l in tests),
      f"a passing lens per test: {[l['command']['title'] for l in tests][:3]}")
titles = {l["command"]["arguments"][0]["decision"]: l["command"]["title"] for l in decisions}
check(titles.get("covered") == "▷ with case = good_case: true" and
      titles.get("initial_response_minutes") == "▷ with case = good_case: 30" and
      titles.get("exclusion") == "▷ with case = good_case: none", f"decision lenses: {titles}")
first_test = tests[0]["command"]["arguments"][0] if tests else {}
r = c.request("workspace/executeCommand", {"command": "proviso.runTest", "arguments": [first_test]})
check(r["passed"] is True and "passed" in r["message"], f"running a test: {r}")
msg = c.wait_notification("window/showMessage")
check("passed" in msg["message"], "the test's outcome is shown")
covered_lens = [l for l in decisions if l["command"]["arguments"][0]["decision"] == "covered"]
r = c.request("workspace/executeCommand", {"command": "proviso.evaluateDecision",
                                           "arguments": [covered_lens[0]["command"]["arguments"][0]]})
check(r["value"] == "true" and r["explanation"].startswith("covered = true (clause 7.2) because:")
      and "initial_response_minutes" not in r["explanation"]
      and r["message"].startswith("covered with case = good_case = true"), f"evaluating a decision: {r}")
r = c.request("workspace/executeCommand", {"command": "proviso.evaluateDecision",
                                           "arguments": [{"uri": T, "decision": "initial_response_minutes"}]})
check(r["value"] == "30" and "table `response` row 1" in r["explanation"], f"explaining a decision: {r}")
broken_test = triage.replace("expect initial_response_minutes = 30", "expect initial_response_minutes = 31")
v = c.change(T, [{"text": broken_test}])
c.diagnostics(T, v)
lenses = c.request("textDocument/codeLens", {"textDocument": {"uri": T}})
failed = [l["command"]["title"] for l in lenses if l["command"]["title"].startswith("✗")]
check(failed == ["✗ failed: initial_response_minutes: expected 31, got 30"], f"a failing test's lens: {failed}")
v = c.change(T, [{"text": triage}])
c.diagnostics(T, v)
q_lenses = c.request("textDocument/codeLens", {"textDocument": {"uri": Q}})
q_dec = [l["command"]["title"] for l in q_lenses if l["command"]["command"] == "proviso.evaluateDecision"]
check(q_dec and all(t.startswith("▷ with contract = ") and "fails" not in t for t in q_dec),
      f"Qlik OEM decision lenses: {q_dec[:2]}")

# A module imported from disk: saving it checks the documents that import it again.
import tempfile  # noqa: E402
work = tempfile.mkdtemp()
os.makedirs(os.path.join(work, "lib"))
with open(os.path.join(work, "lib", "levels.policy"), "w") as f:
    f.write('module work.levels "Levels"\n\nenum Level = Gold | Silver\n')
user_path = os.path.join(work, "user.policy")
user_text = ('policy work.user "User"\n\nimport "lib/levels.policy"\n\ninput case { level: Level }\n\n'
             'decision gold: bool  clause "1" = case.level == Gold\n')
U, L = uri_of(user_path), uri_of(os.path.join(work, "lib", "levels.policy"))
c.open(U, user_text)
check(errors(c.diagnostics(U, 1)) == [], "a policy importing a module file opens without errors")
d = c.request("textDocument/definition", {"textDocument": {"uri": U}, "position": pos(user_text, "Gold")})
check(d and d["uri"] == L and d["range"]["start"] == {"line": 2, "character": 13}, f"definition in a module: {d}")
with open(os.path.join(work, "lib", "levels.policy"), "w") as f:
    f.write('module work.levels "Levels"\n\nenum Level = Platinum | Silver\n')
c.notify("textDocument/didSave", {"textDocument": {"uri": L}})
diags = c.diagnostics(U)
check(any("`Gold` is not a member of `Level`" in x["message"] for x in diags), f"after the module is saved: {diags}")
c.notify("textDocument/didClose", {"textDocument": {"uri": U}})
c.diagnostics(U)

# ---- protocol edges ----
r = c.request_full("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.policy"},
                                          "position": {"line": 0, "character": 0}})
check("error" in r and "is not open" in r["error"]["message"], f"a request on a closed document: {r}")
r = c.request_full("textDocument/unknownThing", {"textDocument": {"uri": T}})
check(r.get("error", {}).get("code") == -32601, f"an unknown method: {r}")
r = c.request_full("workspace/executeCommand", {"command": "proviso.runTest", "arguments": []})
check("error" in r and "takes one argument" in r["error"]["message"], f"a command without arguments: {r}")
# Malformed parameters are errors naming the problem, never a crash.
for method, params in (("textDocument/hover", {"textDocument": {"uri": T}, "position": "top"}),
                       ("textDocument/hover", {"textDocument": {"uri": T}}),
                       ("textDocument/hover", {"textDocument": 7}),
                       ("textDocument/rename", {"textDocument": {"uri": T}, "position": pos(triage, "covered then")}),
                       ("textDocument/codeAction", {"textDocument": {"uri": T}, "range": [1, 2]}),
                       ("textDocument/hover", {"textDocument": {"uri": T},
                                               "position": {"line": 99999, "character": -5}})):
    r = c.request_full(method, params)
    check("error" in r and r["error"]["message"] or "result" in r, f"{method} with {params}: {r}")
c.notify("textDocument/didChange", {"textDocument": {"uri": T, "version": 99}, "contentChanges": "all"})
c.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
c.send({"jsonrpc": "2.0", "id": "x", "params": {}})
r = c.request("textDocument/hover", {"textDocument": {"uri": T}, "position": pos(triage, "covered then")})
check(r is not None and "covered" in r["contents"]["value"], "the server goes on after malformed messages")
c.send_raw(b"Content-Length: 5\r\n\r\n{oops")
r = c.request("textDocument/hover", {"textDocument": {"uri": T}, "position": pos(triage, "covered then")})
check(r is not None, "the server goes on after a message that is not JSON")
c.notify("textDocument/didClose", {"textDocument": {"uri": T}})
cleared = c.diagnostics(T)
check(cleared == [], "closing a document clears its diagnostics")
result, code = c.close()
check(result is None and code == 0, f"shutdown and exit: {result}, {code}")

# Without shutdown, the end of the input is exit status 1; UTF-8 positions when agreed.
c2 = LspClient(proviso, utf8=True)
check(c2.init["capabilities"]["positionEncoding"] == "utf-8", "UTF-8 positions when the client offers them")
c2.proc.stdin.close()
check(c2.proc.wait(timeout=10) == 1, "the end of the input without shutdown exits 1")

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
