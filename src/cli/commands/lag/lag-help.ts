/** The `lag` help's explanation of every status and threshold. */
export const LAG_RULES = `
Statuses (per partition over the sliding window; a model takes its worst partition's):
  OK          caught up, or lag shrinking / steady while the committed offset moves
  WARN        committed offset moves but the lag only grows; or --max-lag / --max-time-lag exceeded
  STALL       the group has members but its committed offset did not move across the window, lag > 0
  STOP        lag > 0 and the group has no members, or no commit for longer than --window
              (counted from the later of the offset first being seen and the oldest waiting event)
  REWIND      the committed offset went below one seen earlier in the window
  NO_COMMITS  the group never committed an offset (never reported as zero lag)
  ERR         Kafka could not be read, or the read model is broken (below)
  One sample can show OK, NO_COMMITS, STOP and the threshold WARNs; STALL, a growing-lag WARN and
  REWIND need movement, so --samples >= 2 (the default 3, --interval 1s apart, spans 2s).

Read model (with a search engine configured), part of each model's status:
  ERR         the engine does not answer, or not as the configured engine; alias <indexBase>_current
              missing or on several indices; the index behind it missing; its manifest missing,
              unreadable, incomplete or of another model; documents without lastEventAt
  WARN        the index is empty while the topic holds records (freshness unknown)
  OK          one complete build of this model behind the alias; freshness = age of its newest event
              (max lastEventAt). Unknown freshness never passes as OK (except empty index, empty topic).

Time lag: age of the oldest unconsumed event (message timestamp of the record at the committed offset).
`;

/** Where `lag serve` listens unless --port says otherwise (see lag serve --help for why this one). */
export const DEFAULT_LAG_PORT = 10464;

/** How the text output is laid out. */
export const LAG_TEXT = `
Output: stdout holds a table like kafka-consumer-groups --describe, one row per partition
(a model whose group could not be read gets one row of "-"):
  GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG TIME-LAG STATUS MODEL
Columns are separated by blanks and no cell is empty ("-" when unknown: CURRENT-OFFSET of a group
that never committed, TIME-LAG that could not be read), so awk 'NR>1' reads the rows. Each model's
verdict (status, reason, partitions not OK, the read model) and the overall line go to stderr.
--json prints the full report instead (unchanged), --prometheus the metrics below.
`;

/** The metrics `lag --prometheus` prints and `lag serve` exposes. */
export const LAG_METRICS = `
Metrics (Prometheus text exposition 0.0.4), named after kafka-lag-exporter's under a readmodel_ prefix;
every series has a cluster label (--cluster):
  readmodel_consumergroup_group_lag{model,group,topic,partition}            ~ kafka_consumergroup_group_lag
  readmodel_consumergroup_group_lag_seconds{model,group,topic,partition}    ~ kafka_consumergroup_group_lag_seconds
  readmodel_consumergroup_group_offset{model,group,topic,partition}         ~ kafka_consumergroup_group_offset
  readmodel_partition_latest_offset{topic,partition}                        ~ kafka_partition_latest_offset
  readmodel_partition_earliest_offset{topic,partition}                      ~ kafka_partition_earliest_offset
  readmodel_consumergroup_group_topic_sum_lag{model,group,topic}            ~ kafka_consumergroup_group_topic_sum_lag
  readmodel_consumergroup_group_max_lag{model,group,topic}                  ~ kafka_consumergroup_group_max_lag
  readmodel_consumergroup_group_max_lag_seconds{model,group,topic}          ~ kafka_consumergroup_group_max_lag_seconds
  readmodel_consumergroup_members{model,group}
  readmodel_consumergroup_partition_status{model,group,topic,partition,status}
  readmodel_consumergroup_status{model,group,topic,status}      worst partition (ERR: Kafka unreadable)
  readmodel_read_model_status{model,alias,status}               OK, WARN or ERR (see above)
  readmodel_lag_status{model,status}                            the model: worse of group and read model
  readmodel_read_model_freshness_seconds{model,alias}
  readmodel_lag_sample_success{model}
  readmodel_lag_window_samples, readmodel_lag_last_sample_timestamp_seconds
Status series: one per state, 1 for the current one, 0 for the others, e.g.
  readmodel_lag_status{cluster="prod",model="product-search",status="OK"} 1
  alert on: readmodel_lag_status{status!="OK"} == 1
`;
