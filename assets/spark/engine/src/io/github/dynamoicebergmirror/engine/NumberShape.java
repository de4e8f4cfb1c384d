package io.github.dynamoicebergmirror.engine;

/**
 * What the type survey needs of a number (decode.number_shape), read from its text without building a
 * BigDecimal: every value an int64, digits after the point and before it, trailing zeros ignored. Texts
 * DynamoNumber would refuse are refused alike (it decides the rare cases).
 */
final class NumberShape {
  private static final int LONG_DIGITS = 19;

  final boolean isInt64;
  final int scale;
  final int wholeDigits;

  private NumberShape(boolean isInt64, int scale, int wholeDigits) {
    this.isInt64 = isInt64;
    this.scale = scale;
    this.wholeDigits = wholeDigits;
  }

  static NumberShape of(String text) {
    int n = text.length();
    int i = 0;
    boolean negative = false;
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) negative = text.charAt(i++) == '-';
    int digits = 0; // significant digits so far (after leading zeros), trailing zeros included
    int trailingZeros = 0;
    int fraction = 0; // digits after the point
    boolean point = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c == '.' && !point) {
        point = true;
        continue;
      }
      if (c < '0' || c > '9') break;
      if (point) fraction++;
      if (c == '0') {
        if (digits > 0) {
          digits++;
          trailingZeros++;
        }
      } else {
        digits++;
        trailingZeros = 0;
      }
    }
    if (i < n || digits > 200) {
      // An exponent, or a rare form: BigDecimal measures it (and refuses what Python refuses).
      return measured(DynamoNumber.parse(text));
    }
    if (!DynamoNumber.wellFormed(text)) throw new Unsupported("not a DynamoDB number");
    if (digits == 0) {
      if (negative) throw new Unsupported("a negative zero");
      return new NumberShape(true, 0, 1);
    }
    int exponent = trailingZeros - fraction; // of the last significant digit
    int precision = digits - trailingZeros;
    int scale = Math.max(0, -exponent);
    int whole = Math.max(0, precision + exponent);
    long adjusted = (long) precision + exponent - 1;
    if (Math.abs(adjusted) > 998) return measured(DynamoNumber.parse(text));
    boolean int64 = exponent >= 0 && (whole < LONG_DIGITS || (whole == LONG_DIGITS && DynamoNumber.parse(text).isInt64()));
    return new NumberShape(int64, scale, whole);
  }

  private static NumberShape measured(DynamoNumber number) {
    return new NumberShape(number.isInt64(), number.scale(), number.wholeDigits());
  }
}
