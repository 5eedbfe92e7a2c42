export type Availability = 'in_stock' | 'low_stock' | 'out_of_stock';
export type PublicationState = 'draft' | 'published' | 'unpublished';
export type PriceRange = '0-10' | '10-25' | '25-50' | '50-100' | '100-250' | '250-500' | '500+';

/** The denormalized document behind product search. Field names are the index mapping's. */
export interface ProductSearchDocument {
  productId: string;
  sku: string;
  title: string;
  description: string;
  /** Every prefix of the category path, for hierarchical facets: `Home`, `Home/Kitchen`, ... */
  categoryPath: string[];
  category: string;
  priceMinor: number;
  price: number;
  currency: string;
  priceRange: PriceRange;
  compareAtMinor: number | null;
  onSale: boolean;
  attributes: Record<string, string | number | boolean>;
  /** `name=value` pairs: flattened attributes that filter and facet on both engines. */
  attributeFacets: string[];
  stockQuantity: number;
  availability: Availability;
  sellerId: string;
  sellerScore: number;
  rating: number;
  reviewCount: number;
  published: boolean;
  publicationState: PublicationState;
  publishedAt: string | null;
  rankingScore: number;
  createdAt: string;
  updatedAt: string;
  lastAggregateVersion?: number;
  lastEventAt?: string;
}
