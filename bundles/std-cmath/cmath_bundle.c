/*
 * cmath_bundle.c: the "dev.langbuilder.std-cmath" bundle, plain C functions exported through the libffi tier.
 *
 * There are no lb_component records here: every export is an lb_function, which the host calls through a
 * libffi call interface built from its signature string. That lets libm's own functions be exported as
 * they are; the few functions libm lacks are small, pure static functions below. None of them can report
 * an error (the tier has no error channel), so each one defines a result for every input instead.
 */
#include "langbuilder_bundle.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Required by LB_BUNDLE_ENTRY; plain functions receive no context, so they never use the host table. */
LB_BUNDLE_HOST_API;

/* MARK: - Numbers */

/* gcd(|a|, |b|) by Euclid, computed on magnitudes in uint64_t because |INT64_MIN| does not fit int64_t. */
static int64_t cmath_gcd(int64_t a, int64_t b)
{
    uint64_t x = a < 0 ? 0u - (uint64_t)a : (uint64_t)a;
    uint64_t y = b < 0 ? 0u - (uint64_t)b : (uint64_t)b;
    while (y != 0) {
        uint64_t r = x % y;
        x = y;
        y = r;
    }
    /* Only gcd(INT64_MIN, 0) and gcd(INT64_MIN, INT64_MIN) reach 2^63; they wrap to INT64_MIN (documented). */
    return x > (uint64_t)INT64_MAX ? INT64_MIN : (int64_t)x;
}

/* Bounds given the wrong way round are swapped rather than producing a result outside both. */
static double cmath_clamp(double value, double minimum, double maximum)
{
    if (minimum > maximum) {
        double swap = minimum;
        minimum = maximum;
        maximum = swap;
    }
    if (isnan(value)) return value;
    /* A NaN bound compares false both ways, so it simply does not constrain. */
    if (value < minimum) return minimum;
    if (value > maximum) return maximum;
    return value;
}

/*
 * Deterministic trial division by 2, 3 and then 6k +/- 1 up to sqrt(n). The bound is written as
 * d <= n / d so that it never overflows; the worst case (a prime near 2^63) takes about a billion divisions.
 */
static bool cmath_is_prime(int64_t n)
{
    if (n < 2) return false;
    if (n < 4) return true;
    if (n % 2 == 0 || n % 3 == 0) return false;
    for (int64_t d = 5; d <= n / d; d += 6) {
        if (n % d == 0 || n % (d + 2) == 0) return false;
    }
    return true;
}

/* MARK: - Text */

/* Unicode White_Space, the set Python's str.split() uses, so counts agree with Langflow and std-text. */
static int cmath_is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/*
 * Decodes the code point at s[0] (s is NUL-terminated) and returns its length. Malformed sequences decode
 * as U+FFFD one byte at a time; a NUL inside a sequence stops it, so nothing past the terminator is read.
 */
static size_t cmath_utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char lead = s[0];
    size_t need;
    uint32_t value;
    uint32_t minimum;

    if (lead < 0x80) {
        *cp = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        value = lead & 0x1Fu;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        value = lead & 0x0Fu;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        value = lead & 0x07u;
        minimum = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80) { /* also true for the terminating NUL */
            *cp = 0xFFFD;
            return 1;
        }
        value = (value << 6) | (s[k] & 0x3Fu);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = value;
    return need + 1;
}

static int64_t cmath_count_words(const char *text)
{
    int64_t count = 0;
    int in_word = 0;
    if (text == NULL) return 0;
    for (const unsigned char *s = (const unsigned char *)text; *s != 0;) {
        uint32_t cp;
        s += cmath_utf8_next(s, &cp);
        if (cmath_is_space(cp)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            count++;
        }
    }
    return count;
}

/* The largest result RepeatText builds, in bytes without the terminator. */
#define CMATH_REPEAT_LIMIT ((size_t)1 << 20)

/*
 * Returns `text` repeated `times` times in a malloc'ed string (the host frees it). Whole copies only, as
 * many as fit in CMATH_REPEAT_LIMIT bytes, so that a huge count cannot exhaust memory and the result never
 * ends in a cut UTF-8 sequence. NULL only when malloc itself fails.
 */
static char *cmath_repeat_text(const char *text, int64_t times)
{
    size_t len = text ? strlen(text) : 0;
    size_t copies = 0;
    if (times > 0 && len > 0) {
        size_t fit = CMATH_REPEAT_LIMIT / len;
        copies = (uint64_t)times < (uint64_t)fit ? (size_t)times : fit;
    }
    char *result = malloc(copies * len + 1); /* copies * len <= CMATH_REPEAT_LIMIT: no overflow */
    if (result == NULL) return NULL;
    for (size_t i = 0; i < copies; i++) memcpy(result + i * len, text, len);
    result[copies * len] = '\0';
    return result;
}

/* MARK: - The bundle */

#define CMATH_FUNCTION(type, display, about, group, sig, names, result, fn, icon_name)                          \
    {                                                                                                          \
        .struct_size = (uint32_t)sizeof(lb_function),                                                          \
        .flags = LB_COMPONENT_THREADSAFE | LB_COMPONENT_NONBLOCKING, /* pure math (ABI 1.4) */                 \
        .type_name = (type),                                                                                   \
        .display_name = (display), .description = (about), .category = (group), .signature = (sig),            \
        .parameter_names = (names), .result_name = (result), .function = (void (*)(void))(fn),                 \
        .icon = (icon_name)                                                                                    \
    }

static const char *const cmath_x[] = {"x", NULL};
static const char *const cmath_ab[] = {"a", "b", NULL};

static const lb_function cmath_functions[] = {
    CMATH_FUNCTION("Power", "Power", "Raises base to the power exponent (C pow).", "math", "d(dd)",
                   LB_NAMES("base", "exponent"), NULL, pow, "Superscript"),
    CMATH_FUNCTION("SquareRoot", "Square Root", "The square root of x (C sqrt); NaN for negative x.", "math", "d(d)",
                   cmath_x, NULL, sqrt, "Radical"),
    CMATH_FUNCTION("Hypotenuse", "Hypotenuse",
                   "The length of the hypotenuse of a right triangle with legs a and b, sqrt(a*a + b*b) without "
                   "intermediate overflow (C hypot).",
                   "math", "d(dd)", cmath_ab, NULL, hypot, "Triangle"),
    CMATH_FUNCTION("Floor", "Floor", "The largest integer not greater than x, as a float (C floor).", "math", "d(d)",
                   cmath_x, NULL, floor, "ArrowDownToLine"),
    CMATH_FUNCTION("Ceil", "Ceiling", "The smallest integer not less than x, as a float (C ceil).", "math", "d(d)",
                   cmath_x, NULL, ceil, "ArrowUpToLine"),
    CMATH_FUNCTION("NaturalLog", "Natural Logarithm",
                   "The logarithm of x to base e (C log); -inf for 0 and NaN for negative x.", "math", "d(d)", cmath_x,
                   NULL, log, "ChartSpline"),
    CMATH_FUNCTION("Exponential", "Exponential", "e raised to the power x (C exp).", "math", "d(d)", cmath_x, NULL,
                   exp, "TrendingUp"),
    CMATH_FUNCTION("Modulo", "Modulo",
                   "The remainder of a / b with the sign of a (C fmod); NaN when b is 0.", "math", "d(dd)", cmath_ab,
                   NULL, fmod, "Percent"),
    CMATH_FUNCTION("GreatestCommonDivisor", "Greatest Common Divisor",
                   "The greatest common divisor of |a| and |b|; 0 when both are 0. The one result int64 cannot "
                   "hold, 2^63 (for a and b in {-2^63, 0}, not both 0), is returned as -2^63.",
                   "math", "l(ll)", cmath_ab, "gcd", cmath_gcd, "Divide"),
    CMATH_FUNCTION("Clamp", "Clamp",
                   "Limits value to the range [minimum, maximum] (the bounds are swapped when given the wrong way "
                   "round; a NaN bound does not limit, a NaN value stays NaN).",
                   "math", "d(ddd)", LB_NAMES("value", "minimum", "maximum"), NULL, cmath_clamp, "ChevronsLeftRight"),
    CMATH_FUNCTION("IsPrime", "Is Prime",
                   "Whether n is a prime number, by deterministic trial division; false for n < 2.", "math", "b(l)",
                   LB_NAMES("n"), "is_prime", cmath_is_prime, "Hash"),
    CMATH_FUNCTION("RepeatText", "Repeat Text",
                   "Repeats text the given number of times; empty for times <= 0. The result is capped at 1 MiB: "
                   "only as many whole copies as fit in 1,048,576 bytes are returned.",
                   "processing", "S(sl)", LB_NAMES("text", "times"), NULL, cmath_repeat_text, "Repeat"),
    CMATH_FUNCTION("CountWords", "Count Words",
                   "Counts the words of a text, that is the runs of non-whitespace (Unicode whitespace).",
                   "processing", "l(s)", LB_NAMES("text"), "count", cmath_count_words, "WholeWord"),
};

static const lb_fingerprint cmath_fingerprint = LB_FINGERPRINT_INIT;

static const lb_bundle_descriptor cmath_bundle = {
    .struct_size = (uint32_t)sizeof(lb_bundle_descriptor),
    .abi_version = LB_ABI_VERSION,
    .fingerprint = &cmath_fingerprint,
    .id = "dev.langbuilder.std-cmath",
    .version = "1.0.0",
    .display_name = "C Math",
    .description = "Math and text helpers that are plain C functions (libm and a few of our own), called by the "
                   "host through libffi.",
    .license = "Apache-2.0",
    .homepage = NULL,
    .components = NULL,
    .component_count = 0,
    .component_stride = (uint32_t)sizeof(lb_component),
    .functions = cmath_functions,
    .function_count = (uint32_t)(sizeof(cmath_functions) / sizeof(cmath_functions[0])),
    .function_stride = (uint32_t)sizeof(lb_function),
    .extension = NULL,
};

LB_BUNDLE_ENTRY(cmath_bundle)
