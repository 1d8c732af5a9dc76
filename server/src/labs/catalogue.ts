import { AppError } from '../errors.ts';
import { cleanText } from '../text.ts';

/**
 * A lab's products: what a photographer can order from it. Each has a SKU (unique within the
 * lab), a name, a size and the paper or finish options it comes in; an order line names one
 * product by SKU and, when the product has options, one of them.
 */
export interface Product {
  sku: string;
  name: string;
  size: string;
  finishes: string[];
}

export function normalizeCatalogue(products: readonly Product[]): Product[] {
  const normalized = products.map((product) => ({
    sku: product.sku.trim(),
    name: cleanText(product.name),
    size: cleanText(product.size),
    finishes: [...new Set(product.finishes.map((finish) => cleanText(finish)).filter((finish) => finish.length > 0))],
  }));
  const skus = new Set<string>();
  for (const product of normalized) {
    if (!product.sku || !product.name) throw new AppError('catalogue_invalid', 'Every product needs a SKU and a name.', 400);
    if (skus.has(product.sku)) throw new AppError('catalogue_invalid', `The SKU ${product.sku} is used twice.`, 400);
    skus.add(product.sku);
  }
  return normalized;
}

/** The product and finish a line asks for, or 400 `product_not_offered`. */
export function requireProduct(catalogue: readonly Product[], sku: string, finish: string | null): Product {
  const product = catalogue.find((candidate) => candidate.sku === sku);
  if (!product) throw new AppError('product_not_offered', `This lab does not offer the product ${sku}.`, 400);
  if (finish === null ? product.finishes.length > 0 : !product.finishes.includes(finish)) {
    throw new AppError('finish_not_offered', `Choose one of the finishes the lab offers for ${product.name}.`, 400);
  }
  return product;
}
