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

Exit codes: 0 every partition and read model OK; 1 any finding (WARN, STALL, STOP, REWIND,
NO_COMMITS, ERR; the report is printed); 2 usage; 3 config; 5 Kafka unreachable for every model;
6 search engine unreachable for every model.
`;

/** The metrics `lag --prometheus` prints and `lag serve` exposes. */
export const LAG_METRICS = `
Metrics (Prometheus text exposition 0.0.4):
  readmodel_consumer_lag_offsets{model,group,topic,partition}
  readmodel_consumer_lag_seconds{model,group,topic,partition}
  readmodel_consumer_committed_offset{model,group,topic,partition}
  readmodel_consumer_log_end_offset{model,group,topic,partition}
  readmodel_consumer_status{model,group,topic,partition}   0=OK 1=WARN 2=STALL 3=STOP 4=REWIND 5=NO_COMMITS 6=ERR
  readmodel_consumer_group_status{model,group,topic}       same mapping, worst partition (ERR: Kafka unreadable)
  readmodel_read_model_status{model,alias}                 same mapping: OK, WARN or ERR (see above)
  readmodel_model_status{model,group,topic}                same mapping, worse of group and read model
  readmodel_consumer_group_lag_offsets{model,group,topic}
  readmodel_consumer_group_members{model,group}
  readmodel_read_model_freshness_seconds{model,alias}
  readmodel_lag_sample_success{model}
  readmodel_lag_window_samples, readmodel_lag_last_sample_timestamp_seconds
`;
