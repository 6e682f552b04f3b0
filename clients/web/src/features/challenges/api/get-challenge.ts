import { getChallengeOptions } from '@challenger/sdk/react-query';
import { useQuery } from '@tanstack/react-query';

export function useChallenge(id: number) {
  return useQuery(getChallengeOptions({ path: { id } }));
}
