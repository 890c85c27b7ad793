// The extern "C" shims that JIT-generated code calls: thin wrappers over the runtime that
// move values through their plain data forms and report errors through the context.
#include <proviso/rt/jit_abi.h>
#include <proviso/rt/text.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include <proviso/rt/calendar.h>
#include <proviso/rt/decimal.h>
#include <proviso/rt/holidays.h>
#include <proviso/rt/money.h>
#include <proviso/rt/time.h>

namespace proviso::rt::jit {

static_assert(std::is_standard_layout_v<proviso_ctx>);
static_assert(offsetof(proviso_ctx, consts) == 0);
static_assert(offsetof(proviso_ctx, error_value) == 24);
static_assert(offsetof(proviso_ctx, error_decision) == 28);
static_assert(sizeof(Decimal) == sizeof(Dec) && alignof(Decimal) == alignof(Dec));
static_assert(std::is_trivially_copyable_v<Decimal>);

// ---- Arena ----

void* Arena::allocate(size_t size, size_t align) {
  if (align == 0) align = 1;
  if (!blocks_.empty()) {
    Block& b = blocks_.back();
    size_t at = (b.used + align - 1) & ~(align - 1);
    if (at + size <= b.size) {
      b.used = at + size;
      return b.data.get() + at;
    }
  }
  size_t want = std::max<size_t>(size + align, blocks_.empty() ? first_block_ : blocks_.back().size * 2);
  Block b;
  b.data = std::make_unique<char[]>(want);
  b.size = want;
  // operator new[] gives at least 16-byte alignment; larger alignments are padded above
  size_t base = reinterpret_cast<uintptr_t>(b.data.get());
  size_t at = ((base + align - 1) & ~(uintptr_t(align) - 1)) - base;
  b.used = at + size;
  blocks_.push_back(std::move(b));
  return blocks_.back().data.get() + at;
}

const char* Arena::copy(const void* data, size_t size) {
  if (size == 0) return "";
  char* p = static_cast<char*>(allocate(size, 1));
  std::memcpy(p, data, size);
  return p;
}

const void* Arena::keep(std::shared_ptr<const void> object) {
  const void* raw = object.get();
  kept_.push_back(std::move(object));
  return raw;
}

std::shared_ptr<const void> Arena::find(const void* raw) const {
  for (auto it = kept_.rbegin(); it != kept_.rend(); ++it)
    if (it->get() == raw) return *it;
  return nullptr;
}

void Arena::reset() {
  kept_.clear();
  if (blocks_.size() > 1) {
    // keep the largest block
    auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                    [](const Block& a, const Block& b) { return a.size < b.size; });
    Block keep = std::move(*largest);
    blocks_.clear();
    blocks_.push_back(std::move(keep));
  }
  if (!blocks_.empty()) blocks_.back().used = 0;
}

size_t Arena::bytes_used() const {
  size_t n = 0;
  for (const Block& b : blocks_) n += b.used;
  return n;
}

}  // namespace proviso::rt::jit

namespace {

using proviso::rt::Decimal;
using proviso::rt::Expected;
using proviso::rt::Money;

Decimal dec(const proviso_dec* d) {
  Decimal r;
  std::memcpy(static_cast<void*>(&r), d, sizeof r);
  return r;
}

void put(const Decimal& d, proviso_dec* out) { std::memcpy(static_cast<void*>(out), &d, sizeof d); }

Money money(const proviso_money* m) {
  Money r;
  r.amount = dec(&m->amount);
  r.currency = m->currency;
  return r;
}

void put(const Money& m, proviso_money* out) {
  put(m.amount, &out->amount);
  out->currency = m.currency;
}

int32_t fail(proviso_ctx* ctx, std::string message) {
  ctx->state->error = std::move(message);
  return 1;
}

template <class T, class Out>
int32_t give(proviso_ctx* ctx, Expected<T>&& r, Out* out) {
  if (!r) return fail(ctx, r.error().message);
  if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, Money>)
    put(*r, out);
  else
    *out = static_cast<Out>(*r);
  return 0;
}

// Decimal and money operations: the runtime's try_ form, and only when that fails the
// Expected form, for its error (building an Expected costs more than the arithmetic).
template <class T, class Out, class Fast, class Full>
int32_t fast_or_full(proviso_ctx* ctx, Out* out, Fast fast, Full full) {
  T r;
  if (fast(&r)) {
    put(r, out);
    return 0;
  }
  return give(ctx, full(), out);
}

const proviso::rt::Calendar* cal(const void* p) { return static_cast<const proviso::rt::Calendar*>(p); }

// Holiday sets reach generated code as raw pointers; their owners are kept by the context's
// arena (results of shims) or by the host (constants, inputs), which registers a lookup.
std::shared_ptr<const proviso::rt::HolidaySet> owned_set(proviso_ctx* ctx, const void* raw) {
  std::shared_ptr<const void> owner = ctx->state->arena.find(raw);
  if (!owner && ctx->state->find_owner) owner = ctx->state->find_owner(ctx->state->owner_data, raw);
  const auto* set = static_cast<const proviso::rt::HolidaySet*>(raw);
  // Without a registered owner (a batch over records holding holiday sets) the set is
  // borrowed: the records outlive the evaluation that reads them.
  if (!owner) return std::shared_ptr<const proviso::rt::HolidaySet>(std::shared_ptr<const void>(), set);
  return std::static_pointer_cast<const proviso::rt::HolidaySet>(owner);
}

}  // namespace

extern "C" {

int32_t proviso_rt_dec_add(proviso_ctx* ctx, const proviso_dec* a, const proviso_dec* b, proviso_dec* out) {
  Decimal x = dec(a), y = dec(b);
  return fast_or_full<Decimal>(
      ctx, out, [&](Decimal* r) { return try_add(x, y, r); }, [&] { return proviso::rt::add(x, y); });
}
int32_t proviso_rt_dec_sub(proviso_ctx* ctx, const proviso_dec* a, const proviso_dec* b, proviso_dec* out) {
  Decimal x = dec(a), y = dec(b);
  return fast_or_full<Decimal>(
      ctx, out, [&](Decimal* r) { return try_sub(x, y, r); }, [&] { return proviso::rt::sub(x, y); });
}
int32_t proviso_rt_dec_mul(proviso_ctx* ctx, const proviso_dec* a, const proviso_dec* b, proviso_dec* out) {
  Decimal x = dec(a), y = dec(b);
  return fast_or_full<Decimal>(
      ctx, out, [&](Decimal* r) { return try_mul(x, y, r); }, [&] { return proviso::rt::mul(x, y); });
}
int32_t proviso_rt_dec_div(proviso_ctx* ctx, const proviso_dec* a, const proviso_dec* b, proviso_dec* out) {
  return give(ctx, proviso::rt::div(dec(a), dec(b)), out);
}
void proviso_rt_dec_neg(const proviso_dec* a, proviso_dec* out) { put(proviso::rt::negate(dec(a)), out); }
void proviso_rt_dec_abs(const proviso_dec* a, proviso_dec* out) { put(proviso::rt::abs(dec(a)), out); }
int32_t proviso_rt_dec_cmp(const proviso_dec* a, const proviso_dec* b) { return proviso::rt::compare(dec(a), dec(b)); }
int32_t proviso_rt_dec_ceil(proviso_ctx* ctx, const proviso_dec* a, int64_t* out) {
  return give(ctx, proviso::rt::ceil_to_int(dec(a)), out);
}
int32_t proviso_rt_dec_floor(proviso_ctx* ctx, const proviso_dec* a, int64_t* out) {
  return give(ctx, proviso::rt::floor_to_int(dec(a)), out);
}
int32_t proviso_rt_dec_round_int(proviso_ctx* ctx, const proviso_dec* a, int32_t mode, int64_t* out) {
  return give(ctx, proviso::rt::round_to_int(dec(a), static_cast<proviso::rt::RoundingMode>(mode)), out);
}
int32_t proviso_rt_dec_round(proviso_ctx* ctx, const proviso_dec* a, int32_t places, int32_t mode, proviso_dec* out) {
  Decimal x = dec(a);
  auto m = static_cast<proviso::rt::RoundingMode>(mode);
  return fast_or_full<Decimal>(
      ctx, out, [&](Decimal* r) { return try_round(x, places, m, r); },
      [&] { return proviso::rt::round(x, places, m); });
}

int32_t proviso_rt_money_add(proviso_ctx* ctx, const proviso_money* a, const proviso_money* b, proviso_money* out) {
  Money x = money(a), y = money(b);
  return fast_or_full<Money>(
      ctx, out, [&](Money* r) { return try_add(x, y, r); }, [&] { return proviso::rt::add(x, y); });
}
int32_t proviso_rt_money_sub(proviso_ctx* ctx, const proviso_money* a, const proviso_money* b, proviso_money* out) {
  Money x = money(a), y = money(b);
  return fast_or_full<Money>(
      ctx, out, [&](Money* r) { return try_sub(x, y, r); }, [&] { return proviso::rt::sub(x, y); });
}
int32_t proviso_rt_money_mul(proviso_ctx* ctx, const proviso_money* a, const proviso_dec* b, proviso_money* out) {
  Money x = money(a);
  Decimal y = dec(b);
  return fast_or_full<Money>(
      ctx, out, [&](Money* r) { return try_mul(x, y, r); }, [&] { return proviso::rt::mul(x, y); });
}
int32_t proviso_rt_money_div(proviso_ctx* ctx, const proviso_money* a, const proviso_dec* b, proviso_money* out) {
  return give(ctx, proviso::rt::div(money(a), dec(b)), out);
}
int32_t proviso_rt_money_ratio(proviso_ctx* ctx, const proviso_money* a, const proviso_money* b, proviso_dec* out) {
  return give(ctx, proviso::rt::div(money(a), money(b)), out);
}
void proviso_rt_money_neg(const proviso_money* a, proviso_money* out) { put(proviso::rt::negate(money(a)), out); }
void proviso_rt_money_abs(const proviso_money* a, proviso_money* out) {
  Money m = money(a);
  m.amount = proviso::rt::abs(m.amount);
  put(m, out);
}
int32_t proviso_rt_money_cmp(proviso_ctx* ctx, const proviso_money* a, const proviso_money* b, int32_t* out) {
  return give(ctx, proviso::rt::compare(money(a), money(b)), out);
}
int32_t proviso_rt_money_in_mismatch(proviso_ctx* ctx, const proviso_money* x, const proviso_money* item) {
  return fail(ctx, proviso::rt::in_list_currency_mismatch(money(x), money(item)));
}
int32_t proviso_rt_money_round(proviso_ctx* ctx, const proviso_money* a, int32_t places, int32_t mode,
                               proviso_money* out) {
  auto m = static_cast<proviso::rt::RoundingMode>(mode);
  Money x = money(a);
  if (places < 0) places = proviso::rt::currency(x.currency).minor_unit;  // round_to_minor_unit
  return fast_or_full<Money>(
      ctx, out, [&](Money* r) { return try_round(x, places, m, r); }, [&] { return proviso::rt::round(x, places, m); });
}

int32_t proviso_rt_datetime_add(proviso_ctx* ctx, int64_t t, int64_t seconds, int64_t* out) {
  return give(ctx, proviso::rt::add_seconds(t, seconds), out);
}
int32_t proviso_rt_date_add_months(proviso_ctx* ctx, int32_t date, int64_t months, int32_t* out) {
  return give(ctx, proviso::rt::add_months(date, months), out);
}
int32_t proviso_rt_date_add_days(proviso_ctx* ctx, int32_t date, int64_t days, int32_t* out) {
  return give(ctx, proviso::rt::add_days(date, days), out);
}
int64_t proviso_rt_date_part(int32_t date, int32_t part) {
  return proviso::rt::date_part(date, static_cast<proviso::rt::DatePart>(part));
}
int32_t proviso_rt_zone_local_date(proviso_ctx* ctx, const void* zone, int64_t t, int32_t* out) {
  return give(ctx, proviso::rt::local_date_of(t, *static_cast<const proviso::rt::Zone*>(zone)), out);
}

int32_t proviso_rt_cal_add(proviso_ctx* ctx, const void* calendar, int64_t start, int64_t days, int64_t seconds,
                           int64_t* out) {
  return give(ctx, cal(calendar)->add_business(start, days, seconds), out);
}
int32_t proviso_rt_cal_length(proviso_ctx* ctx, const void* calendar, int64_t days, int64_t seconds, int64_t* out) {
  return give(ctx, cal(calendar)->business_length(days, seconds), out);
}
int32_t proviso_rt_cal_working(proviso_ctx* ctx, const void* calendar, int64_t a, int64_t b, int64_t* out) {
  return give(ctx, cal(calendar)->working_between(a, b), out);
}
int32_t proviso_rt_cal_is_open(proviso_ctx* ctx, const void* calendar, int64_t t, uint8_t* out) {
  return give(ctx, cal(calendar)->is_open(t), out);
}
int32_t proviso_rt_cal_next_opening(proviso_ctx* ctx, const void* calendar, int64_t t, int64_t* out) {
  return give(ctx, cal(calendar)->next_opening(t), out);
}

const void* proviso_rt_holidays_union(proviso_ctx* ctx, const void* a, const void* b) {
  auto set = proviso::rt::HolidaySet::unite({owned_set(ctx, a), owned_set(ctx, b)}, {}, {});
  return ctx->state->arena.keep(std::move(set));
}

const void* proviso_rt_holidays_change(proviso_ctx* ctx, const void* a, const int32_t* dates, uint64_t count,
                                       int32_t remove) {
  std::vector<proviso::rt::Date> ds(dates, dates + count);
  auto set = remove ? proviso::rt::HolidaySet::unite({owned_set(ctx, a)}, {}, std::move(ds))
                    : proviso::rt::HolidaySet::unite({owned_set(ctx, a)}, std::move(ds), {});
  return ctx->state->arena.keep(std::move(set));
}

int32_t proviso_rt_text_eq(const proviso_span* a, const proviso_span* b) {
  return a->size == b->size && (a->size == 0 || std::memcmp(a->data, b->data, a->size) == 0);
}
int32_t proviso_rt_text_blank(const proviso_span* a) {
  return proviso::rt::is_blank(std::string_view(static_cast<const char*>(a->data), a->size)) ? 1 : 0;
}

void* proviso_rt_alloc(proviso_ctx* ctx, uint64_t size, uint64_t align) {
  return ctx->state->arena.allocate(size, align);
}

void proviso_rt_range_error(proviso_ctx* ctx, int64_t value) { ctx->state->error_int = value; }

}  // extern "C"

namespace proviso::rt::jit {

const std::vector<ShimSymbol>& runtime_shims() {
#define PROVISO_SHIM(name) \
  ShimSymbol { #name, reinterpret_cast < const void*>(&name) }
  static const std::vector<ShimSymbol> shims = {
      PROVISO_SHIM(proviso_rt_dec_add),          PROVISO_SHIM(proviso_rt_dec_sub),
      PROVISO_SHIM(proviso_rt_dec_mul),          PROVISO_SHIM(proviso_rt_dec_div),
      PROVISO_SHIM(proviso_rt_dec_neg),          PROVISO_SHIM(proviso_rt_dec_abs),
      PROVISO_SHIM(proviso_rt_dec_cmp),          PROVISO_SHIM(proviso_rt_dec_ceil),
      PROVISO_SHIM(proviso_rt_dec_floor),        PROVISO_SHIM(proviso_rt_dec_round_int),
      PROVISO_SHIM(proviso_rt_dec_round),        PROVISO_SHIM(proviso_rt_money_add),
      PROVISO_SHIM(proviso_rt_money_sub),        PROVISO_SHIM(proviso_rt_money_mul),
      PROVISO_SHIM(proviso_rt_money_div),        PROVISO_SHIM(proviso_rt_money_ratio),
      PROVISO_SHIM(proviso_rt_money_neg),        PROVISO_SHIM(proviso_rt_money_abs),
      PROVISO_SHIM(proviso_rt_money_cmp),        PROVISO_SHIM(proviso_rt_money_in_mismatch),
      PROVISO_SHIM(proviso_rt_money_round),      PROVISO_SHIM(proviso_rt_datetime_add),
      PROVISO_SHIM(proviso_rt_date_add_months),  PROVISO_SHIM(proviso_rt_date_add_days),
      PROVISO_SHIM(proviso_rt_date_part),        PROVISO_SHIM(proviso_rt_cal_length),
      PROVISO_SHIM(proviso_rt_zone_local_date),  PROVISO_SHIM(proviso_rt_cal_add),
      PROVISO_SHIM(proviso_rt_cal_working),      PROVISO_SHIM(proviso_rt_cal_is_open),
      PROVISO_SHIM(proviso_rt_cal_next_opening), PROVISO_SHIM(proviso_rt_holidays_union),
      PROVISO_SHIM(proviso_rt_holidays_change),  PROVISO_SHIM(proviso_rt_text_eq),
      PROVISO_SHIM(proviso_rt_text_blank),       PROVISO_SHIM(proviso_rt_alloc),
      PROVISO_SHIM(proviso_rt_range_error),
  };
#undef PROVISO_SHIM
  return shims;
}

}  // namespace proviso::rt::jit
