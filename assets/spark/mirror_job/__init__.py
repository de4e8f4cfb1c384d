"""Folds DynamoDB point-in-time exports into an Apache Iceberg table (the dynamo-iceberg-mirror Spark job)."""
