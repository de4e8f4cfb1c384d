"""Test-side support for the Spark job: an oracle DynamoDB table, export writer, item generators
and mirror comparison. Written independently of assets/spark so the two can check each other."""
