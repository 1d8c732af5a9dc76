import type { ShippingAddress } from '../../api/labs';

/** A shipping address as it goes on a parcel: the lines that are filled in, one under the other. */
export function ShippingAddressView({ address }: { address: ShippingAddress }) {
  const lines = [address.recipientName, address.line1, address.line2, `${address.postalCode} ${address.city}`.trim(), address.region, address.country, address.phone];
  return (
    <address data-testid="shipping-address">
      {lines
        .filter((part) => part !== '')
        .map((part, index) => (
          <div key={index}>{part}</div>
        ))}
    </address>
  );
}
