import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IndexBody, SearchSink } from '../../src/core/ports/search-sink.js';
import type { ProductSearchDocument } from '../../src/core/read-models/product-search/document.js';
import { productSearchModel } from '../../src/core/read-models/product-search/model.js';
import { priceRange } from '../../src/core/read-models/product-search/ranking.js';
import { ROOT } from './contracts.js';

type Row = [
  id: string,
  title: string,
  category: string,
  price: number,
  availability: ProductSearchDocument['availability'],
  rank: number,
  brand: string,
  color: string,
];

/**
 * A small catalogue whose every answer is known by hand: 8 products in two top categories, with a tie
 * in rankingScore (p04/p07) that `price` breaks, and "headphones" in three titles and one description.
 */
const ROWS: Row[] = [
  ['p01', 'Acme Wireless Headphones', 'Electronics/Audio/Headphones', 79.99, 'in_stock', 80, 'Acme', 'black'],
  ['p02', 'Globex Studio Headphones', 'Electronics/Audio/Headphones', 149, 'in_stock', 90, 'Globex', 'black'],
  ['p03', 'Hooli Sport Headphones', 'Electronics/Audio/Headphones', 49.5, 'out_of_stock', 60, 'Hooli', 'red'],
  ['p04', 'Acme Tiny Earbuds', 'Electronics/Audio/Earbuds', 29.99, 'in_stock', 70, 'Acme', 'white'],
  ['p05', 'Acme Office Laptop', 'Electronics/Computers/Laptops', 999, 'in_stock', 85, 'Acme', 'grey'],
  ['p06', 'Initech Chef Knife', 'Home/Kitchen/Knives', 45, 'low_stock', 75, 'Initech', 'steel'],
  ['p07', 'Globex Frying Pan', 'Home/Kitchen/Cookware', 25, 'in_stock', 70, 'Globex', 'black'],
  ['p08', 'Hooli Desk Lamp', 'Home/Lighting', 9.99, 'in_stock', 50, 'Hooli', 'white'],
];

function doc([id, title, category, price, availability, rank, brand, color]: Row): ProductSearchDocument {
  const parts = category.split('/');
  const at = `2026-01-0${Number(id.slice(1)) % 9}T00:00:00.000Z`;
  return {
    productId: id,
    sku: `SKU-${id}`,
    title,
    // Only p04's description says "headphones": free text must rank the three titles above it.
    description: id === 'p04' ? 'Small in-ear alternative to headphones.' : `${title} from our range.`,
    categoryPath: parts.map((_, i) => parts.slice(0, i + 1).join('/')),
    category: parts[parts.length - 1]!,
    priceMinor: Math.round(price * 100),
    price,
    currency: 'EUR',
    priceRange: priceRange(Math.round(price * 100)),
    compareAtMinor: null,
    onSale: id === 'p07',
    attributes: { brand, color },
    attributeFacets: [`brand=${brand}`, `color=${color}`],
    stockQuantity: availability === 'in_stock' ? 20 : availability === 'low_stock' ? 3 : 0,
    availability,
    sellerId: 'seller-1',
    sellerScore: 90,
    rating: 4,
    reviewCount: 10,
    published: true,
    publicationState: 'published',
    publishedAt: at,
    rankingScore: rank,
    createdAt: at,
    updatedAt: at,
    lastAggregateVersion: 1,
    lastEventAt: at,
  };
}

export const QUERY_CATALOGUE: readonly ProductSearchDocument[] = ROWS.map(doc);

/** Creates `<indexBase>_v1_query` with the shipped product mapping, loads the catalogue and points `<indexBase>_current` at it. */
export async function loadQueryCatalogue(sink: SearchSink, indexBase: string): Promise<string> {
  const mapping = JSON.parse(readFileSync(path.join(ROOT, productSearchModel.mappingFile), 'utf8')) as IndexBody;
  const index = `${indexBase}_v1_query`;
  await sink.createIndex(index, mapping);
  const out = await sink.bulk(
    index,
    QUERY_CATALOGUE.map((d) => ({ action: 'index' as const, id: d.productId, version: 1, doc: { ...d } })),
  );
  if (out.written !== QUERY_CATALOGUE.length) throw new Error(`catalogue not loaded: ${JSON.stringify(out)}`);
  await sink.refresh(index);
  await sink.updateAliases([{ add: { index, alias: `${indexBase}_current` } }]);
  return index;
}
