import type { Availability, PriceRange } from './document.js';

const PRICE_BUCKETS: ReadonlyArray<[upperMinorExclusive: number, bucket: PriceRange]> = [
  [1_000, '0-10'],
  [2_500, '10-25'],
  [5_000, '25-50'],
  [10_000, '50-100'],
  [25_000, '100-250'],
  [50_000, '250-500'],
];

export function priceRange(priceMinor: number): PriceRange {
  for (const [upper, bucket] of PRICE_BUCKETS) if (priceMinor < upper) return bucket;
  return '500+';
}

export const LOW_STOCK_THRESHOLD = 5;

export function availability(stock: number): Availability {
  if (stock <= 0) return 'out_of_stock';
  return stock <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock';
}

/**
 * A 0..100 ranking signal. The rating is shrunk towards a prior (10 reviews at 3.5 stars) so one
 * 5-star review does not outrank a thousand 4.8s. Rounded so the value is identical on every run.
 */
export function rankingScore(input: {
  rating: number;
  reviewCount: number;
  sellerScore: number;
  availability: Availability;
  published: boolean;
}): number {
  if (!input.published) return 0;
  const prior = 10;
  const shrunk = (input.rating * input.reviewCount + 3.5 * prior) / (input.reviewCount + prior);
  const stock = input.availability === 'in_stock' ? 10 : input.availability === 'low_stock' ? 5 : 0;
  const score = (shrunk / 5) * 60 + (input.sellerScore / 100) * 30 + stock;
  return Math.round(score * 1000) / 1000;
}
