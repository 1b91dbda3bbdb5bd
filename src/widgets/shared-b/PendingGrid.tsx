/** Placeholder of a matrix whose numbers the engine has not returned yet (see ../common/PendingMatrix). */
export { PendingTable as PendingGrid } from '../common/PendingMatrix';
