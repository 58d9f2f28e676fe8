import { LAKE } from '../../contracts/lake-layout.js';
import { lakePath } from '../lib/lake-path.js';

/** Folders of a target's published results. */
export interface Published {
  csvDir: string;
  dashboardDir: string;
}

/**
 * Results published into the lake folder: `<lake>/analytics_outputs/` (CSVs) and
 * `<lake>/dashboard/`. Both targets publish here (AWS exports download the Athena results).
 */
export const publishedInLake = (lake: string): Published => ({
  csvDir: lakePath(lake, LAKE.csvExports),
  dashboardDir: lakePath(lake, LAKE.dashboard),
});
