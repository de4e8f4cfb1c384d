package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;
import java.util.Arrays;

/** A full-export key text's count and first two places (file number, line), merged by reduceByKey. */
final class Tally implements Serializable {
  private static final long serialVersionUID = 1L;
  long count;
  /** (file number, line) pairs, sorted, at most two. */
  long[][] places;

  static Tally place(int file, long line) {
    Tally tally = new Tally();
    tally.count = 1;
    tally.places = new long[][] {{file, line}};
    return tally;
  }

  static Tally merge(Tally a, Tally b) {
    long[][] both = Arrays.copyOf(a.places, a.places.length + b.places.length);
    System.arraycopy(b.places, 0, both, a.places.length, b.places.length);
    Arrays.sort(both, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    a.count += b.count;
    a.places = Arrays.copyOf(both, Math.min(2, both.length));
    return a;
  }
}
