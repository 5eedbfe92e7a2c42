import { defineProjection, type TypedEvent } from '../../projections/define-projection.js';
import type { ProductSearchDocument } from './document.js';
import type { AttributeValue, ProductEventPayloads, ProductUpdated } from './events.js';
import { availability, priceRange, rankingScore } from './ranking.js';

type Attrs = Record<string, AttributeValue>;

function categoryPrefixes(path: readonly string[]): string[] {
  return path.map((_, i) => path.slice(0, i + 1).join('/'));
}

function facets(attrs: Attrs): string[] {
  return Object.keys(attrs)
    .sort()
    .map((k) => `${k}=${String(attrs[k])}`);
}

/**
 * Re-derives the computed fields from the stored facts, so no event can leave them inconsistent. It
 * fills in `doc`, which each handler has just copied for itself. The facets, a function of the
 * attributes alone, are kept from `prev` while the attributes are the same object (an update that
 * touches them makes a new one) and `prev` has them.
 */
function derive(doc: ProductSearchDocument, prev?: ProductSearchDocument): ProductSearchDocument {
  const avail = availability(doc.stockQuantity);
  const published = doc.publicationState === 'published';
  doc.price = doc.priceMinor / 100;
  doc.priceRange = priceRange(doc.priceMinor);
  doc.onSale = doc.compareAtMinor !== null && doc.compareAtMinor > doc.priceMinor;
  doc.attributeFacets =
    prev !== undefined && prev.attributes === doc.attributes && Array.isArray(prev.attributeFacets)
      ? prev.attributeFacets
      : facets(doc.attributes);
  doc.availability = avail;
  doc.published = published;
  doc.rankingScore = rankingScore({
    rating: doc.rating,
    reviewCount: doc.reviewCount,
    sellerScore: doc.sellerScore,
    availability: avail,
    published,
  });
  return doc;
}

function created(e: TypedEvent<ProductEventPayloads, 'ProductCreated'>): ProductSearchDocument {
  const d = e.data;
  const path = d.categoryPath;
  return derive({
    productId: e.aggregateId,
    sku: d.sku,
    title: d.title,
    description: d.description ?? '',
    categoryPath: categoryPrefixes(path),
    category: path[path.length - 1]!,
    priceMinor: d.priceMinor,
    price: 0,
    currency: d.currency,
    priceRange: '0-10',
    compareAtMinor: null,
    onSale: false,
    attributes: { ...(d.attributes ?? {}) },
    attributeFacets: [],
    stockQuantity: d.initialStock ?? 0,
    availability: 'out_of_stock',
    sellerId: d.sellerId,
    sellerScore: d.sellerScore ?? 50,
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

function updated(doc: ProductSearchDocument, d: ProductUpdated): ProductSearchDocument {
  const next = { ...doc };
  if (typeof d.title === 'string') next.title = d.title;
  if (typeof d.description === 'string') next.description = d.description;
  if (Array.isArray(d.categoryPath)) {
    const path = d.categoryPath;
    next.categoryPath = categoryPrefixes(path);
    next.category = path[path.length - 1]!;
  }
  if (d.attributes && typeof d.attributes === 'object') {
    const attrs: Attrs = { ...doc.attributes };
    for (const [k, v] of Object.entries(d.attributes)) {
      // A null attribute value in an update removes the attribute.
      if (v === null) delete attrs[k];
      else attrs[k] = v;
    }
    next.attributes = attrs;
  }
  return next;
}

/**
 * Anything but creation needs an existing product: before it (or after deletion) there is none.
 * Every change stamps `updatedAt` and re-derives the computed fields. A step returns a new object
 * (never `doc` itself), which derive then fills in.
 */
function change<K extends keyof ProductEventPayloads & string>(
  step: (doc: ProductSearchDocument, e: TypedEvent<ProductEventPayloads, K>) => ProductSearchDocument,
) {
  return (doc: ProductSearchDocument | null, e: TypedEvent<ProductEventPayloads, K>): ProductSearchDocument | null => {
    if (doc === null) return null;
    const next = step(doc, e);
    next.updatedAt = e.occurredAt;
    return derive(next, doc);
  };
}

export const productSearchProjection = defineProjection<ProductSearchDocument, ProductEventPayloads>({
  name: 'product-search',
  version: 1,
  aggregateType: 'Product',
  idField: 'productId',
  handlers: {
    ProductCreated: (doc, e) => doc ?? created(e),
    ProductUpdated: change((doc, e) => updated(doc, e.data)),
    ProductPublished: change((doc, e) => ({ ...doc, publicationState: 'published', publishedAt: doc.publishedAt ?? e.occurredAt })),
    ProductUnpublished: change((doc) => ({ ...doc, publicationState: 'unpublished' })),
    PriceUpdated: change((doc, e) => ({
      ...doc,
      priceMinor: e.data.amountMinor,
      currency: e.data.currency,
      compareAtMinor: e.data.compareAtMinor ?? null,
    })),
    StockAdjusted: change((doc, e) => ({ ...doc, stockQuantity: Math.max(0, doc.stockQuantity + e.data.delta) })),
    ReviewSummaryUpdated: change((doc, e) => ({ ...doc, rating: e.data.rating, reviewCount: e.data.count })),
    ProductDeleted: () => null,
  },
});
