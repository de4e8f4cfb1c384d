package io.github.dynamoicebergmirror.engine;

import java.math.BigDecimal;

/**
 * A DynamoDB number read as the Python reader reads it (decode.py): ASCII digits, an optional point and
 * exponent; exact. Texts whose Python reading differs from BigDecimal's (a negative zero keeps its sign
 * in Python, more than 200 digits round in its exact context) and texts Python refuses are Unsupported.
 */
final class DynamoNumber {
  /** Exponents the Python reader measures (one to spare for rounding). */
  private static final int LARGEST_EXPONENT = 998;
  private static final int EXACT_DIGITS = 200;
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  final BigDecimal value;
  /** Trailing zeros removed; null for zero. */
  private final BigDecimal normal;

  private DynamoNumber(BigDecimal value) {
    this.value = value;
    this.normal = value.signum() == 0 ? null : value.stripTrailingZeros();
  }

  static DynamoNumber parse(String text) {
    if (!wellFormed(text)) {
      throw new Unsupported("not a DynamoDB number");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.precision() > EXACT_DIGITS) {
      throw new Unsupported("a number of more than " + EXACT_DIGITS + " digits");
    }
    if (value.signum() == 0) {
      if (text.charAt(0) == '-') {
        throw new Unsupported("a negative zero");
      }
    } else {
      long adjusted = (long) value.precision() - value.scale() - 1;
      if (Math.abs(adjusted) > LARGEST_EXPONENT) {
        throw new Unsupported("an exponent beyond the exact context");
      }
    }
    return new DynamoNumber(value);
  }

  /** The grammar `[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,9})?`, without a regex. */
  static boolean wellFormed(String text) {
    int i = 0;
    int n = text.length();
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) i++;
    int whole = 0;
    while (i < n && isDigit(text.charAt(i))) { i++; whole++; }
    int fraction = 0;
    if (i < n && text.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(text.charAt(i))) { i++; fraction++; }
    }
    if (whole == 0 && fraction == 0) return false;
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) i++;
      int exponent = 0;
      while (i < n && isDigit(text.charAt(i))) { i++; exponent++; }
      if (exponent < 1 || exponent > 9) return false;
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  boolean isInt64() {
    if (normal == null) return true;
    return normal.scale() <= 0 && normal.compareTo(LONG_MIN) >= 0 && normal.compareTo(LONG_MAX) <= 0;
  }

  /** Digits after the point, trailing zeros ignored. */
  int scale() {
    return normal == null ? 0 : Math.max(0, normal.scale());
  }

  /** Digits before the point, trailing zeros ignored (1 for zero). */
  int wholeDigits() {
    return normal == null ? 1 : Math.max(0, normal.precision() - normal.scale());
  }

  /** One text per numeric value (no exponent, no trailing zeros): convert.canonical_number. */
  String canonical() {
    return normal == null ? "0" : normal.toPlainString();
  }

  /** Python's `str(Decimal(text))`: the same digits and exponent as the text. */
  String plain() {
    return value.toString();
  }
}
