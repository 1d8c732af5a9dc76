import type { Product } from '../../api/labs';

/**
 * A lab's products, edited as rows: SKU, name, size and the paper or finish options (comma
 * separated). The server checks that SKUs are unique; empty rows are left out when saved.
 */
export function CatalogueEditor({ idPrefix, products, onChange }: { idPrefix: string; products: Product[]; onChange: (products: Product[]) => void }) {
  const change = (index: number, changes: Partial<Product>) => onChange(products.map((product, at) => (at === index ? { ...product, ...changes } : product)));
  return (
    <fieldset className="catalogue-editor" data-testid={`${idPrefix}-catalogue`}>
      <legend>Products</legend>
      {products.length === 0 && <p className="muted">No products yet.</p>}
      {products.map((product, index) => (
        <div className="catalogue-row" key={index}>
          {(
            [
              ['sku', 'SKU'],
              ['name', 'Name'],
              ['size', 'Size'],
            ] as const
          ).map(([field, label]) => (
            <label key={field} className="catalogue-cell">
              <span className="field-label">{label}</span>
              <input
                className="field-input"
                value={product[field]}
                onChange={(event) => change(index, { [field]: event.target.value })}
                data-testid={`${idPrefix}-product-${index}-${field}`}
              />
            </label>
          ))}
          <label className="catalogue-cell">
            <span className="field-label">Finishes (comma separated)</span>
            <input
              className="field-input"
              value={product.finishes.join(', ')}
              onChange={(event) => change(index, { finishes: event.target.value.split(',').map((finish) => finish.trimStart()) })}
              data-testid={`${idPrefix}-product-${index}-finishes`}
            />
          </label>
          <button type="button" className="button button-link button-small" onClick={() => onChange(products.filter((_, at) => at !== index))}>
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => onChange([...products, { sku: '', name: '', size: '', finishes: [] }])}
        data-testid={`${idPrefix}-add-product`}
      >
        Add a product
      </button>
    </fieldset>
  );
}

/** The rows worth sending: those with a SKU, their finishes trimmed and without empty ones. */
export function cleanCatalogue(products: Product[]): Product[] {
  return products
    .filter((product) => product.sku.trim() !== '')
    .map((product) => ({ ...product, sku: product.sku.trim(), finishes: product.finishes.map((finish) => finish.trim()).filter((finish) => finish !== '') }));
}
