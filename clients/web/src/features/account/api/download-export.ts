import { exportMyData } from '@challenger/sdk';

/**
 * Saves everything the server stores about the signed-in learner as a file: the export needs
 * the session's token, so it is fetched and handed to the browser as a download.
 */
export async function downloadMyData(): Promise<void> {
  const { data, response } = await exportMyData({ parseAs: 'blob', throwOnError: true });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'challenger-export.json';
  const url = URL.createObjectURL(data as unknown as Blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
