// The Python extension `proviso._proviso` (pybind11): the C++ API (include/proviso/proviso.hpp)
// with JSON text at the boundary. The package around it (python/proviso/__init__.py) turns
// records into JSON and results into Python values. Batch calls release the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
// After pybind11 (which includes Python.h first).
#include <datetime.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <proviso/rt/cpus.h>
#include <proviso/proviso.hpp>

namespace py = pybind11;

namespace {

// Raised (as proviso.CompileError) when a policy does not compile; carries the diagnostics.
struct CompileFailure {
  std::string text;
};

// The Python classes values are made of, given once by the package (set_types).
struct Types {
  py::object decimal, money, error, timezone, timedelta_zero;
  std::unordered_map<int64_t, py::object> zones;  // timezone(timedelta(seconds=offset)), by offset
};
Types& types() {
  static auto* t = new Types();  // never destroyed: Python objects outlive no interpreter
  return *t;
}

int digits(std::string_view s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n && i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return v;
}

py::object fixed_zone(int64_t offset) {
  Types& t = types();
  auto it = t.zones.find(offset);
  if (it != t.zones.end()) return it->second;
  PyObject* delta = PyDelta_FromDSU(0, static_cast<int>(offset), 0);
  if (!delta) throw py::error_already_set();
  py::object zone = t.timezone(py::reinterpret_steal<py::object>(delta));
  t.zones.emplace(offset, zone);
  return zone;
}

// A decision's value as the Python type the package documents.
py::object to_python(const proviso::Value& v) {
  using K = proviso::Value::Kind;
  switch (v.kind) {
    case K::None: return py::none();
    case K::Bool: return py::bool_(v.boolean);
    case K::Integer: return py::int_(v.integer);
    case K::Decimal:
    case K::Percent: return types().decimal(v.text);
    case K::Money: return types().money(types().decimal(v.text), v.unit);
    case K::Date: {
      std::string_view t = v.text;  // YYYY-MM-DD
      PyObject* d = PyDate_FromDate(digits(t, 0, 4), digits(t, 5, 2), digits(t, 8, 2));
      if (!d) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(d);
    }
    case K::DateTime: {
      std::string_view t = v.text;  // YYYY-MM-DDTHH:MM:SS+hh:mm, local time in the home zone
      py::object zone = fixed_zone(v.extra);
      PyObject* d = PyDateTimeAPI->DateTime_FromDateAndTime(digits(t, 0, 4), digits(t, 5, 2), digits(t, 8, 2),
                                                            digits(t, 11, 2), digits(t, 14, 2), digits(t, 17, 2), 0,
                                                            zone.ptr(), PyDateTimeAPI->DateTimeType);
      if (!d) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(d);
    }
    case K::Duration: {
      int64_t days = v.integer / 86400 - (v.integer % 86400 < 0 ? 1 : 0);
      int64_t seconds = v.integer - days * 86400;
      if (days > 999999999 || days < -999999999) throw py::value_error("duration out of timedelta's range: " + v.text);
      PyObject* d = PyDelta_FromDSU(static_cast<int>(days), static_cast<int>(seconds), 0);
      if (!d) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(d);
    }
    case K::List: {
      py::list out;
      for (const proviso::Value& item : v.items) out.append(to_python(item));
      return out;
    }
    case K::Record: {
      py::dict out;
      for (size_t i = 0; i < v.items.size(); ++i) out[py::str(v.names[i])] = to_python(v.items[i]);
      return out;
    }
    default: return py::str(v.text);  // text, enum members, business durations, periods, names
  }
}

// Sets a record's fields from a dict of Python values (the package's input forms). False when
// the record needs JSON instead: a list, a key that is no field, an integer beyond 64 bits.
class RecordFiller {
 public:
  RecordFiller(const proviso::Policy& policy, std::unordered_map<std::string, proviso::Field>& fields)
      : policy_(policy), fields_(fields) {}

  bool fill(proviso::Record& record, PyObject* dict) {
    path_.clear();
    return fill_object(record, dict);
  }

 private:
  bool fill_object(proviso::Record& record, PyObject* dict) {
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    size_t mark = path_.size();
    while (PyDict_Next(dict, &pos, &key, &value)) {
      if (!PyUnicode_Check(key)) return false;
      Py_ssize_t n = 0;
      const char* k = PyUnicode_AsUTF8AndSize(key, &n);
      if (!k) throw py::error_already_set();
      if (mark) path_ += '.';
      path_.append(k, static_cast<size_t>(n));
      bool ok = PyDict_Check(value) ? fill_object(record, value) : fill_scalar(record, value);
      path_.resize(mark);
      if (!ok) return false;
    }
    return true;
  }

  bool fill_scalar(proviso::Record& record, PyObject* value) {
    auto it = fields_.find(path_);
    if (it == fields_.end()) {
      auto f = policy_.field(path_);
      if (!f.ok()) return false;  // the JSON path gives the error every input gets
      it = fields_.emplace(path_, f.value()).first;
    }
    proviso::Field f = it->second;
    if (value == Py_None) return record.set_null(f);
    if (PyBool_Check(value)) return record.set_bool(f, value == Py_True);
    if (PyLong_Check(value)) {
      int overflow = 0;
      long long n = PyLong_AsLongLongAndOverflow(value, &overflow);
      if (overflow) return false;
      return record.set_int(f, n);
    }
    if (PyUnicode_Check(value)) {
      Py_ssize_t n = 0;
      const char* t = PyUnicode_AsUTF8AndSize(value, &n);
      if (!t) throw py::error_already_set();
      return record.set_text(f, std::string_view(t, static_cast<size_t>(n)));
    }
    if (PyFloat_Check(value)) {  // as json.dumps writes it
      return record.set_number(f, py::repr(value).cast<std::string>());
    }
    return false;  // Decimal, datetime, Money, lists, ...: their JSON forms (the package's)
  }

  const proviso::Policy& policy_;
  std::unordered_map<std::string, proviso::Field>& fields_;
  std::string path_;
};

// One chunk of evaluate_ndjson's input and where its output goes: its region of the bytes
// object (written without the GIL: nothing else can see the object yet), then a string.
struct Region {
  std::string_view input;
  size_t first_line = 1;  // of the chunk in the whole input, for messages
  size_t offset = 0;      // of the region in the bytes object
  size_t capacity = 0, used = 0;
  std::string spill;  // what did not fit

  void write(char* at, std::string_view line) {
    if (spill.empty() && used + line.size() + 1 <= capacity) {
      std::memcpy(at + used, line.data(), line.size());
      at[used + line.size()] = '\n';
      used += line.size() + 1;
    } else {
      spill.append(line);
      spill += '\n';
    }
  }
};

class PyPolicy {
 public:
  explicit PyPolicy(proviso::Policy p) : policy_(std::move(p)) {}

  py::dict info() const {
    const proviso::PolicyInfo& i = policy_.info();
    py::dict d;
    d["path"] = i.path;
    d["name"] = i.name;
    d["title"] = i.title;
    d["version"] = i.version;
    d["effective"] = i.effective;
    d["engine"] = policy_.engine() == proviso::EngineKind::Jit ? "jit" : "interpreter";
    py::list inputs, decisions;
    for (const auto& in : i.inputs) inputs.append(py::make_tuple(in.name, in.type, in.optional));
    for (const auto& x : i.decisions) decisions.append(py::make_tuple(x.name, x.type, x.clause));
    py::list fields;
    for (const auto& f : i.fields) fields.append(py::make_tuple(f.path, f.type, f.optional));
    d["content_hash"] = i.content_hash;
    d["inputs"] = inputs;
    d["decisions"] = decisions;
    d["fields"] = fields;
    return d;
  }

  // One input; the JSON line `proviso eval` prints and, with explain, the readable text.
  py::tuple evaluate_json(const std::string& json, bool explain) const {
    proviso::Evaluation e;
    {
      py::gil_scoped_release unlocked;
      e = session(explain).evaluate_json(json);
    }
    return py::make_tuple(e.ok, e.json, e.explanation);
  }

  // Decisions of many records (dicts), in order, as dicts of Python values or Error items.
  // Records are read into typed Records with the GIL; a record that needs JSON (a list, an
  // unknown key, a Decimal or datetime value) is given to `to_json` (the package's encoder).
  // The evaluations run without the GIL, on up to `threads` threads (0: one per core).
  py::list evaluate_values(const py::list& records, const py::object& to_json, unsigned threads) {
    size_t n = records.size();
    unsigned workers = threads ? threads : static_cast<unsigned>(proviso::rt::available_cpus());
    workers = static_cast<unsigned>(std::min<size_t>(workers, std::max<size_t>(1, n / 256)));
    proviso::EvalOptions o;
    o.json = false;
    o.values = true;
    std::vector<proviso::Session> sessions;
    for (unsigned w = 0; w < workers; ++w) sessions.push_back(std::move(policy_.session(o).value()));
    if (names_.empty()) names_ = decision_names();
    // Blocks of records, the same Records and results reused from one block to the next (new
    // memory is costly to touch): read with the GIL, evaluated without it, converted with it.
    size_t block = std::min<size_t>(n, size_t{1024} * workers);
    std::vector<proviso::Record> typed;
    for (size_t i = 0; i < block; ++i) typed.push_back(policy_.record());
    std::vector<std::string> json(block);
    std::vector<char> is_json(block);
    std::vector<proviso::Evaluation> results(block);
    RecordFiller filler(policy_, fields_);
    py::list out(n);
    for (size_t first = 0; first < n; first += block) {
      size_t count = std::min(block, n - first);
      for (size_t i = 0; i < count; ++i) {
        typed[i].clear();
        PyObject* r = records[first + i].ptr();
        is_json[i] = !PyDict_Check(r) || !filler.fill(typed[i], r);
        if (is_json[i]) json[i] = py::str(to_json(records[first + i])).cast<std::string>();
      }
      {
        py::gil_scoped_release unlocked;
        std::vector<std::exception_ptr> failures(workers);
        auto run = [&](unsigned w, size_t from, size_t to) {
          try {
            for (size_t i = from; i < to; ++i)
              results[i] = is_json[i] ? sessions[w].evaluate_json(json[i]) : sessions[w].evaluate(typed[i]);
          } catch (...) {
            failures[w] = std::current_exception();
          }
        };
        size_t part = (count + workers - 1) / workers;
        std::vector<std::thread> pool;
        for (unsigned w = 1; w < workers && w * part < count; ++w)
          pool.emplace_back(run, w, w * part, std::min(count, (w + 1) * part));
        run(0, 0, std::min(count, part));
        for (std::thread& t : pool) t.join();
        for (const std::exception_ptr& f : failures)
          if (f) std::rethrow_exception(f);
      }
      for (size_t i = 0; i < count; ++i) {
        const proviso::Evaluation& e = results[i];
        if (!e.ok && e.errors.empty()) {  // the input itself
          out[first + i] = types().error(e.error_path, e.error_message);
          continue;
        }
        // Every decision; one that failed is an Error item in its place.
        py::dict d;
        size_t next_error = 0;  // e.errors are in declaration order, as are the values
        for (size_t k = 0; k < e.values.size(); ++k) {
          if (next_error < e.errors.size() && e.errors[next_error].decision == names_[k].cast<std::string>()) {
            const proviso::DecisionError& f = e.errors[next_error++];
            d[names_[k]] = types().error(f.path, f.message);
          } else {
            d[names_[k]] = to_python(e.values[k]);
          }
        }
        out[first + i] = std::move(d);
      }
    }
    return out;
  }

  // NDJSON bytes in, NDJSON bytes out (blank lines skipped), without the GIL. The input is
  // decoded where it lies (bytes are immutable and held by the caller; Session::evaluate_ndjson
  // decodes each line in place when the parser's padding fits before the end of the buffer).
  py::bytes evaluate_ndjson(const py::bytes& data, unsigned threads) const {
    char* buffer = nullptr;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(data.ptr(), &buffer, &size) != 0) throw py::error_already_set();
    std::string_view text(buffer, static_cast<size_t>(size));
    // Chunks of whole lines, one per thread (small inputs: one), each with its own session.
    unsigned workers = threads ? threads : static_cast<unsigned>(proviso::rt::available_cpus());
    workers = static_cast<unsigned>(std::min<size_t>(workers, std::max<size_t>(1, text.size() / (256 << 10))));
    std::vector<Region> regions;
    size_t start = 0, capacity = 0;
    for (unsigned w = 0; w < workers && start < text.size(); ++w) {
      size_t end = w + 1 == workers ? text.size() : std::max(start, text.size() * (w + 1) / workers);
      end = end >= text.size() ? text.size() : text.find('\n', end);
      end = end == std::string_view::npos ? text.size() : std::min(text.size(), end + 1);
      Region r;
      r.input = text.substr(start, end - start);
      r.offset = capacity;
      r.capacity = r.input.size() + r.input.size() / 4 + 64;
      capacity += r.capacity;
      regions.push_back(std::move(r));
      start = end;
    }
    // Each chunk's lines go straight into its own region of the bytes object returned (fresh
    // memory is costly to touch, so the output is not built elsewhere and copied); a chunk
    // whose output outgrows its region continues in a string of its own.
    PyObject* bytes = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(capacity));
    if (!bytes) throw py::error_already_set();
    py::object owner = py::reinterpret_steal<py::object>(bytes);
    char* base = PyBytes_AS_STRING(bytes);
    size_t used = 0;
    bool spilled = false;
    {
      py::gil_scoped_release unlocked;
      size_t line = 1;
      for (Region& r : regions) {
        r.first_line = line;
        line += static_cast<size_t>(std::count(r.input.begin(), r.input.end(), '\n'));
      }
      std::vector<std::exception_ptr> failures(regions.size());
      auto run = [&](size_t i) {
        try {
          Region& r = regions[i];
          char* at = base + r.offset;
          session(false).evaluate_ndjson(
              r.input, [&](std::string_view l) { r.write(at, l); }, r.first_line);
        } catch (...) {
          failures[i] = std::current_exception();
        }
      };
      std::vector<std::thread> pool;
      for (size_t i = 1; i < regions.size(); ++i) pool.emplace_back(run, i);
      if (!regions.empty()) run(0);
      for (std::thread& t : pool) t.join();
      for (const std::exception_ptr& f : failures)
        if (f) std::rethrow_exception(f);
      // Close the regions up, in order (each moves down or stays: no region is overwritten
      // before it has moved).
      for (const Region& r : regions) {
        spilled = spilled || !r.spill.empty();
        if (!spilled && used != r.offset) std::memmove(base + used, base + r.offset, r.used);
        used += r.used;
      }
    }
    if (spilled) {  // rare: some output was longer than its input and a quarter
      std::string all;
      for (const Region& r : regions) {
        all.append(base + r.offset, r.used);
        all += r.spill;
      }
      return py::bytes(all);
    }
    if (_PyBytes_Resize(&bytes, static_cast<Py_ssize_t>(used)) != 0) {
      owner.release();  // _PyBytes_Resize freed it
      throw py::error_already_set();
    }
    owner.release();
    return py::reinterpret_steal<py::bytes>(bytes);
  }

 private:
  proviso::Session session(bool explain) const {
    proviso::EvalOptions o;
    o.explain = explain;
    auto s = policy_.session(o);
    if (!s.ok()) throw std::runtime_error(s.error());
    return std::move(s.value());
  }

  std::vector<py::str> decision_names() const {
    std::vector<py::str> names;
    for (const auto& d : policy_.info().decisions) names.emplace_back(d.name);
    return names;
  }

  proviso::Policy policy_;
  std::unordered_map<std::string, proviso::Field> fields_;  // by path; used with the GIL held
  std::vector<py::str> names_;
};

proviso::Engine engine_for(const std::string& engine) {
  proviso::EngineOptions o;
  if (engine == "jit")
    o.engine = proviso::EngineKind::Jit;
  else if (engine == "interpreter")
    o.engine = proviso::EngineKind::Interpreter;
  else if (engine == "auto")
    o.engine = proviso::EngineKind::Auto;
  else
    throw py::value_error("engine must be \"auto\", \"jit\" or \"interpreter\", not \"" + engine + "\"");
  return proviso::Engine(o);
}

PyPolicy finish(proviso::Result<proviso::Policy> r) {
  if (!r.ok()) {
    std::string text;
    for (const auto& d : r.diagnostics())
      if (d.severity == proviso::PolicyDiagnostic::Severity::Error) text += d.rendered;
    throw CompileFailure{text.empty() ? r.error() : text};
  }
  return PyPolicy(std::move(r.value()));
}

}  // namespace

PYBIND11_MODULE(_proviso, m) {
  m.doc() = "Proviso's engine (use the `proviso` package, not this module)";
  PyDateTime_IMPORT;
  if (!PyDateTimeAPI) throw py::error_already_set();
  static py::exception<CompileFailure> compile_error(m, "CompileError");
  // pybind11 takes a function pointer whose parameter is by value.
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CompileFailure& e) {
      compile_error(e.text.c_str());
    }
  });
  py::class_<PyPolicy>(m, "Policy")
      .def("info", &PyPolicy::info)
      .def("evaluate_json", &PyPolicy::evaluate_json, py::arg("json"), py::arg("explain") = false)
      .def("evaluate_ndjson", &PyPolicy::evaluate_ndjson)
      .def("evaluate_values", &PyPolicy::evaluate_values);
  // The threads a batch uses by default: this process's CPUs (its affinity mask, capped by a
  // cgroup's CPU quota), as `proviso eval` counts them.
  m.def("available_cpus", [] { return proviso::rt::available_cpus(); });
  m.def("set_types", [](py::object decimal, py::object money, py::object error) {
    Types& t = types();
    t.decimal = std::move(decimal);
    t.money = std::move(money);
    t.error = std::move(error);
    t.timezone = py::module_::import("datetime").attr("timezone");
  });
  m.def(
      "compile_file",
      [](const std::string& path, const std::string& engine) {
        proviso::Engine e = engine_for(engine);
        proviso::Result<proviso::Policy> r = [&] {
          py::gil_scoped_release unlocked;
          return e.compile_file(path);
        }();
        return finish(std::move(r));
      },
      py::arg("path"), py::arg("engine") = "auto");
  m.def(
      "compile_text",
      [](const std::string& text, const std::string& name, const std::string& engine) {
        proviso::Engine e = engine_for(engine);
        proviso::Result<proviso::Policy> r = [&] {
          py::gil_scoped_release unlocked;
          return e.compile_text(text, name);
        }();
        return finish(std::move(r));
      },
      py::arg("text"), py::arg("name") = "<text>", py::arg("engine") = "auto");
}
