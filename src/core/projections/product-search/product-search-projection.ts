import type { EventEnvelope } from '../../envelope.js';
import type { Projection } from '../projection.js';
import type { ProductSearchDocument } from './product-search-document.js';
import { availability, priceRange, rankingScore } from './ranking.js';

type Data = Record<string, unknown>;
type Attrs = Record<string, string | number | boolean>;

export const PRODUCT_EVENTS = [
  'ProductCreated',
  'ProductUpdated',
  'ProductPublished',
  'ProductUnpublished',
  'PriceUpdated',
  'StockAdjusted',
  'ReviewSummaryUpdated',
  'ProductDeleted',
] as const;

function categoryPrefixes(path: readonly string[]): string[] {
  return path.map((_, i) => path.slice(0, i + 1).join('/'));
}

function facets(attrs: Attrs): string[] {
  return Object.keys(attrs)
    .sort()
    .map((k) => `${k}=${String(attrs[k])}`);
}

/** Re-derives every computed field from the stored facts, so no event can leave them inconsistent. */
function derive(doc: ProductSearchDocument): ProductSearchDocument {
  const avail = availability(doc.stockQuantity);
  return {
    ...doc,
    price: doc.priceMinor / 100,
    priceRange: priceRange(doc.priceMinor),
    onSale: doc.compareAtMinor !== null && doc.compareAtMinor > doc.priceMinor,
    attributeFacets: facets(doc.attributes),
    availability: avail,
    published: doc.publicationState === 'published',
    rankingScore: rankingScore({
      rating: doc.rating,
      reviewCount: doc.reviewCount,
      sellerScore: doc.sellerScore,
      availability: avail,
      published: doc.publicationState === 'published',
    }),
  };
}

function created(e: EventEnvelope): ProductSearchDocument {
  const d = e.data as Data;
  const path = d.categoryPath as string[];
  return derive({
    productId: e.aggregateId,
    sku: d.sku as string,
    title: d.title as string,
    description: (d.description as string | undefined) ?? '',
    categoryPath: categoryPrefixes(path),
    category: path[path.length - 1]!,
    priceMinor: d.priceMinor as number,
    price: 0,
    currency: d.currency as string,
    priceRange: '0-10',
    compareAtMinor: null,
    onSale: false,
    attributes: { ...((d.attributes as Attrs | undefined) ?? {}) },
    attributeFacets: [],
    stockQuantity: (d.initialStock as number | undefined) ?? 0,
    availability: 'out_of_stock',
    sellerId: d.sellerId as string,
    sellerScore: (d.sellerScore as number | undefined) ?? 50,
    rating: 0,
    reviewCount: 0,
    published: false,
    publicationState: 'draft',
    publishedAt: null,
    rankingScore: 0,
    createdAt: e.occurredAt,
    updatedAt: e.occurredAt,
  });
}

function updated(doc: ProductSearchDocument, d: Data): ProductSearchDocument {
  const next = { ...doc };
  if (typeof d.title === 'string') next.title = d.title;
  if (typeof d.description === 'string') next.description = d.description;
  if (Array.isArray(d.categoryPath)) {
    const path = d.categoryPath as string[];
    next.categoryPath = categoryPrefixes(path);
    next.category = path[path.length - 1]!;
  }
  if (d.attributes && typeof d.attributes === 'object') {
    const attrs: Attrs = { ...doc.attributes };
    for (const [k, v] of Object.entries(d.attributes as Record<string, unknown>)) {
      // A null attribute value in an update removes the attribute.
      if (v === null) delete attrs[k];
      else attrs[k] = v as string | number | boolean;
    }
    next.attributes = attrs;
  }
  return next;
}

export const productSearchProjection: Projection<ProductSearchDocument> = {
  name: 'product-search',
  version: 1,
  aggregateType: 'Product',
  handles: PRODUCT_EVENTS,
  idField: 'productId',
  documentId: (e) => e.aggregateId,
  apply(doc, e) {
    if (e.eventType === 'ProductCreated') return doc ?? created(e);
    // Anything but creation needs an existing product; before it (or after deletion) there is none.
    if (doc === null) return null;
    const d = e.data as Data;
    const at = { updatedAt: e.occurredAt };
    switch (e.eventType) {
      case 'ProductUpdated':
        return derive({ ...updated(doc, d), ...at });
      case 'ProductPublished':
        return derive({ ...doc, publicationState: 'published', publishedAt: doc.publishedAt ?? e.occurredAt, ...at });
      case 'ProductUnpublished':
        return derive({ ...doc, publicationState: 'unpublished', ...at });
      case 'PriceUpdated':
        return derive({
          ...doc,
          priceMinor: d.amountMinor as number,
          currency: d.currency as string,
          compareAtMinor: (d.compareAtMinor as number | undefined) ?? null,
          ...at,
        });
      case 'StockAdjusted':
        return derive({ ...doc, stockQuantity: Math.max(0, doc.stockQuantity + (d.delta as number)), ...at });
      case 'ReviewSummaryUpdated':
        return derive({ ...doc, rating: d.rating as number, reviewCount: d.count as number, ...at });
      case 'ProductDeleted':
        return null;
      default:
        return doc;
    }
  },
};
