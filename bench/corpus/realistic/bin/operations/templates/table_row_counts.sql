-- Template used by bin/operations/row_counts.sh: {table_name} and {date_column} are
-- substituted per table (see the TABLES array there) before the query is sent to bq.
SELECT
  '{table_name}' AS table_name,
  {date_column} AS partition_date,
  COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.{table_name}`
WHERE {date_column} >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY partition_date
ORDER BY partition_date DESC;
