/**
 * Action ids of the buttons that act on grants and requests, shared by DMs and App Home so both are
 * handled by the same listeners with the same authorization.
 */
export const GRANT_EXTEND_ACTION = 'grant_extend';
export const GRANT_RELINQUISH_ACTION = 'grant_relinquish';
export const REQUEST_CANCEL_ACTION = 'request_cancel';
export const HOME_MORE_ACTION = 'home_more';
export const EXTEND_CALLBACK_ID = 'grant_extend_modal';
export const EXTEND_DURATION_BLOCK = 'extend_duration';
export const EXTEND_DURATION_ACTION = 'extend_duration_select';
