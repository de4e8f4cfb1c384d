"""The `mirror` catalog's settings, given when the session starts, and the table names Iceberg's catalog loads."""

from __future__ import annotations

import pytest
from mirror_job.session import catalog_settings, qualified, table_parts


def test_catalog_settings_name_the_iceberg_catalog_and_its_warehouse_with_user_properties_last():
    glue = catalog_settings("glue", "s3://b/w", {"glue.endpoint": "http://e", "warehouse": "s3://b/other"})
    assert glue == {
        "spark.sql.catalog.mirror": "org.apache.iceberg.spark.SparkCatalog",
        "spark.sql.catalog.mirror.catalog-impl": "org.apache.iceberg.aws.glue.GlueCatalog",
        "spark.sql.catalog.mirror.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
        "spark.sql.catalog.mirror.warehouse": "s3://b/other",
        "spark.sql.catalog.mirror.cache-enabled": "false",
        "spark.sql.catalog.mirror.glue.endpoint": "http://e",
    }
    assert catalog_settings("hadoop", "file:/w")["spark.sql.catalog.mirror.type"] == "hadoop"
    with pytest.raises(ValueError, match="unknown catalog 'hive'"):
        catalog_settings("hive", "file:/w")


@pytest.mark.parametrize("name", [qualified("sales.orders"), "mirror.sales.orders", "mirror.`sales`.orders"])
def test_table_parts_read_quoted_and_plain_names(name):
    assert table_parts(name) == ("sales", "orders")


@pytest.mark.parametrize("name", ["sales.orders", "other.sales.orders", "mirror..orders", "mirror.a.b.c"])
def test_table_parts_refuse_a_name_outside_the_mirror_catalog(name):
    with pytest.raises(ValueError, match="expected mirror.DATABASE.TABLE"):
        table_parts(name)
