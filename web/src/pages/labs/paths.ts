/** The admin's labs page, apart from the page itself so the menu does not load it. */
export const LABS_ADMIN_PATH = '/admin/labs';
