"""DynamoDB on one machine: a table that remembers its history and writes exports in the exact AWS layout.

Used by the demo, the end-to-end tests and the Spark job's tests; never by the Spark job itself.
"""
