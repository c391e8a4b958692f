import type { CosmosClient } from '@azure/cosmos';
import type { Kafka } from 'kafkajs';
import { join } from 'node:path';
import { hackHome } from '../../infra/paths.ts';

/**
 * What the participant's producer and consumer (clients/producer.ts, clients/consumer.ts) export, and what the
 * consumer writes. The harness hands them ready clients (the local stack's or the env file's, credentials
 * included), so the participant's code is the same against the local stack and against Azure.
 */
export const RATINGS_TOPIC = 'product-ratings';
/** The one consumer group every consumer instance joins. */
export const RATINGS_GROUP = 'product-ratings-viewer';
/** How many products the producer picks from ("a random one of 10 products"). */
export const RATED_PRODUCTS = 10;

export interface ProducerOptions {
  kafka: Kafka;
  cosmos: CosmosClient;
  /** How many ratings to write before returning. */
  count: number;
  /** The pause between two ratings (15 000 in the hack's text; a local run uses a fraction of a second). */
  periodMs: number;
}

export interface ConsumerOptions {
  kafka: Kafka;
  cosmos: CosmosClient;
  groupId: string;
  /** The JSONL file to append one enriched rating per line to (shared by every instance of the group). */
  output: string;
  /** 1, 2, … — which instance of the group this is (for logs). */
  instance: number;
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

export interface ParticipantProducer {
  produceRatings(options: ProducerOptions): Promise<void>;
}

export interface ParticipantConsumer {
  startConsumer(options: ConsumerOptions): Promise<RunningConsumer>;
}

/** One line of the consumer's output: the rating joined with its user and product, and where the record was. */
export interface EnrichedRating {
  partition: number;
  offset: string | number;
  key: string;
  rating: number;
  fullName: string;
  email: string;
  country: string;
  productName: string;
  unitPrice: number;
}

export const ENRICHED_FIELDS: ReadonlyArray<keyof EnrichedRating> = [
  'partition',
  'offset',
  'key',
  'rating',
  'fullName',
  'email',
  'country',
  'productName',
  'unitPrice',
];

/** Where the consumer writes (`.hack/challenge-02/enriched-ratings.jsonl`; `HACK_HOME` moves it). */
export function enrichedRatingsFile(): string {
  return join(hackHome(), 'challenge-02', 'enriched-ratings.jsonl');
}

/** Where the run records the group's membership at 1, 2 and 7 consumers (read by verification). */
export function membershipFile(): string {
  return join(hackHome(), 'challenge-02', 'membership.json');
}

/** What the participant's consumer logged when it failed (an eachMessage that threw), written by the run. */
export function consumerErrorsFile(): string {
  return join(hackHome(), 'challenge-02', 'consumer-errors.txt');
}
