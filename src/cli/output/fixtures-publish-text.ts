import type { FixturesPublishResult } from '../../app/run-fixtures-publish.js';

/** The human summary of `fixtures publish`. */
export function fixturesPublishText(result: FixturesPublishResult): string {
  if (result.skippedExisting !== undefined)
    return `${result.topic} already holds ${result.skippedExisting} events; published nothing (--if-empty)\n`;
  return `published ${result.events} events (${result.invalidEvents} invalid) for ${result.aggregates} aggregates to ${result.topic} (${result.partitions} partitions${result.topicCreated ? ', created' : ''})\n`;
}
