package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;

/**
 * One partition's share of the survey: its type statistics and the first input the JVM reader passes
 * over. Sent through an accumulator, tagged with the partition, so a task run twice counts once.
 */
final class PartitionFindings implements Serializable {
  private static final long serialVersionUID = 1L;

  final int partition;
  final AttributeStats stats;
  final String passedOver;

  PartitionFindings(int partition, AttributeStats stats, String passedOver) {
    this.partition = partition;
    this.stats = stats;
    this.passedOver = passedOver;
  }
}
