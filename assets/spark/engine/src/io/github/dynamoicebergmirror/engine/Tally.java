package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the survey gathers under one shuffle key: a full-export key's count and first two places, or the
 * run's type statistics, or the first input the JVM reader passes over.
 */
final class Tally implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String STATS = "#stats";
  static final String PASSED_OVER = "#passed-over";

  long count;
  /** (file number, line) pairs, sorted, at most two. */
  long[][] places;
  AttributeStats stats;
  String passedOver;

  static Tally place(int file, long line) {
    Tally tally = new Tally();
    tally.count = 1;
    tally.places = new long[][] {{file, line}};
    return tally;
  }

  static Tally stats(AttributeStats stats) {
    Tally tally = new Tally();
    tally.stats = stats;
    return tally;
  }

  static Tally passedOver(String reason) {
    Tally tally = new Tally();
    tally.passedOver = reason;
    return tally;
  }

  static Tally merge(Tally a, Tally b) {
    if (a.stats != null) {
      a.stats.update(b.stats);
      return a;
    }
    if (a.passedOver != null) {
      return a.passedOver.compareTo(b.passedOver) <= 0 ? a : b;
    }
    long[][] both = Arrays.copyOf(a.places, a.places.length + b.places.length);
    System.arraycopy(b.places, 0, both, a.places.length, b.places.length);
    Arrays.sort(both, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    a.count += b.count;
    a.places = Arrays.copyOf(both, Math.min(2, both.length));
    return a;
  }

  boolean worthReporting() {
    return stats != null || passedOver != null || count > 1;
  }
}
