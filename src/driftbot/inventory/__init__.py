"""What exists (or is declared) outside the repository: BigQuery tables, DDL, exported snapshots.

`base` holds the types and the URL registry; backends are imported only when a URL names them, so
reading a snapshot never pays for importing google-cloud-bigquery.
"""
