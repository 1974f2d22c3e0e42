/**
 * Requests: filing a request (`/request`), the requester's receipt, and cancelling one that waits.
 * Other capabilities use only what is exported here.
 */
export { submitRequest, type SubmitInput, type SubmitResult } from './submit.js';
export { cancelRequest, closePendingRequest, openStageWords, type CancelResult, type CloseOut } from './cancel.js';
export { buildRequestReceipt, refreshReceipt, requestReceiptJob, updateReceiptJob } from './receipt.js';
