import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from './client';

/** The print-lab portal (docs/labs.md): the admin's labs, the photographer's print orders, and the lab's own API. */

export type Product = {
  sku: string;
  name: string;
  size: string;
  finishes: string[];
};

export interface Lab {
  id: string;
  labId: string;
  name: string;
  contactEmails: string[];
  catalogue: Product[];
  pinLength: number;
  pinSetAt: string;
  requireDeviceCode: boolean;
  disabled: boolean;
  lockedUntil: string | null;
  blocked: boolean;
  lockouts: number;
  studioIds: string[];
  createdAt: string;
}

export interface LabInput {
  name: string;
  contactEmails: string[];
  catalogue: Product[];
  pinLength?: number;
  requireDeviceCode?: boolean;
}

export interface PortalStudio {
  studioId: string;
  name: string;
  portalEnabled: boolean;
  labIds: string[];
}

const adminLab = (id: string) => `/api/admin/labs/${encodeURIComponent(id)}`;

export async function listLabs(): Promise<Lab[]> {
  return (await apiGet<{ labs: Lab[] }>('/api/admin/labs')).labs;
}

/** The answer holds the PIN: the only time it is shown. */
export function createLab(input: LabInput): Promise<{ lab: Lab; pin: string }> {
  return apiPost('/api/admin/labs', { ...input });
}

export async function updateLab(id: string, changes: Partial<Omit<LabInput, 'pinLength'>> & { disabled?: boolean }): Promise<Lab> {
  return (await apiPatch<{ lab: Lab }>(adminLab(id), { ...changes })).lab;
}

export function resetLabPin(id: string): Promise<{ lab: Lab; pin: string }> {
  return apiPost(`${adminLab(id)}/pin`);
}

export async function deleteLab(id: string): Promise<void> {
  await apiDelete(adminLab(id));
}

export async function listPortalStudios(): Promise<PortalStudio[]> {
  return (await apiGet<{ studios: PortalStudio[] }>('/api/admin/lab-portal/studios')).studios;
}

export async function setStudioLabs(studioId: string, portalEnabled: boolean, labIds: string[]): Promise<void> {
  await apiPut(`/api/admin/studios/${encodeURIComponent(studioId)}/labs`, { portalEnabled, labIds });
}

// ——— The photographer's print orders ———

export interface AvailableLab {
  id: string;
  labId: string;
  name: string;
  catalogue: Product[];
}

export type ShippingAddress = {
  recipientName: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string;
  phone: string;
};

export type OrderStatus = 'draft' | 'submitted' | 'accepted' | 'in_production' | 'shipped' | 'completed' | 'rejected' | 'cancelled';

export interface OrderLine {
  id: string;
  fileId: string;
  fileName: string;
  sku: string;
  productName: string;
  size: string;
  finish: string | null;
  quantity: number;
  crop: string;
  notes: string;
}

export interface OrderEvent {
  kind: 'created' | 'updated' | 'opened' | 'file_downloaded' | 'zip_downloaded' | Exclude<OrderStatus, 'draft'>;
  byLab: boolean;
  fileId: string | null;
  fileName: string | null;
  note: string | null;
  at: string;
}

export interface PrintOrderSummary {
  id: string;
  lab: { id: string; labId: string; name: string };
  status: OrderStatus;
  lineCount: number;
  dueDate: string | null;
  createdAt: string;
  submittedAt: string | null;
}

export interface PrintOrder extends PrintOrderSummary {
  shipping: ShippingAddress;
  notes: string;
  carrier: string | null;
  trackingNumber: string | null;
  rejectReason: string | null;
  updatedAt: string;
  closedAt: string | null;
  lines: OrderLine[];
  events: OrderEvent[];
}

export type LineInput = {
  fileId: string;
  sku: string;
  finish: string | null;
  quantity: number;
  crop?: string;
  notes?: string;
};

export interface OrderInput {
  labId: string;
  lines: LineInput[];
  shipping: ShippingAddress;
  dueDate: string | null;
  notes: string;
}

const order = (id: string) => `/api/print-orders/${encodeURIComponent(id)}`;

export async function listAvailableLabs(): Promise<AvailableLab[]> {
  return (await apiGet<{ labs: AvailableLab[] }>('/api/print-labs')).labs;
}

export async function createPrintOrder(input: OrderInput): Promise<PrintOrder> {
  return (await apiPost<{ order: PrintOrder }>('/api/print-orders', { ...input })).order;
}

export async function listPrintOrders(): Promise<PrintOrderSummary[]> {
  return (await apiGet<{ orders: PrintOrderSummary[] }>('/api/print-orders')).orders;
}

export async function getPrintOrder(id: string): Promise<PrintOrder> {
  return (await apiGet<{ order: PrintOrder }>(order(id))).order;
}

export async function submitPrintOrder(id: string): Promise<PrintOrder> {
  return (await apiPost<{ order: PrintOrder }>(`${order(id)}/submit`)).order;
}

export async function cancelPrintOrder(id: string): Promise<PrintOrder> {
  return (await apiPost<{ order: PrintOrder }>(`${order(id)}/cancel`)).order;
}

// ——— The lab's own API (a lab session, not a user's) ———

export interface LabOrderSummary {
  id: string;
  studioName: string;
  status: OrderStatus;
  dueDate: string | null;
  submittedAt: string | null;
}

export interface LabOrderFile {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
}

export interface LabOrder extends LabOrderSummary {
  shipping: ShippingAddress;
  notes: string;
  carrier: string | null;
  trackingNumber: string | null;
  rejectReason: string | null;
  filesAvailable: boolean;
  lines: OrderLine[];
  files: LabOrderFile[];
}

export type LabStatus = 'accepted' | 'in_production' | 'shipped' | 'completed' | 'rejected';

const labOrder = (id: string) => `/api/lab/orders/${encodeURIComponent(id)}`;

export function labSignIn(labId: string, pin: string, deviceCode?: string): Promise<{ status: 'signed_in' | 'device_code_sent' }> {
  return apiPost('/api/lab/sign-in', { labId, pin, deviceCode });
}

export async function labSignOut(): Promise<void> {
  await apiPost('/api/lab/sign-out');
}

export function listLabOrders(): Promise<{ lab: { labId: string; name: string }; orders: LabOrderSummary[] }> {
  return apiGet('/api/lab/orders');
}

export async function getLabOrder(id: string): Promise<LabOrder> {
  return (await apiGet<{ order: LabOrder }>(labOrder(id))).order;
}

export function labDownloadUrl(orderId: string, fileId: string): Promise<{ url: string; expiresAt: string }> {
  return apiPost(`${labOrder(orderId)}/files/${encodeURIComponent(fileId)}/download-url`);
}

export function labZipUrl(orderId: string): string {
  return `${labOrder(orderId)}/zip`;
}

export async function updateLabOrderStatus(id: string, change: { status: LabStatus; carrier?: string; trackingNumber?: string; reason?: string }): Promise<void> {
  await apiPost(`${labOrder(id)}/status`, change);
}
