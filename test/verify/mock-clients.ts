import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { BackupClient } from '@aws-sdk/client-backup';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { FisClient } from '../../lib/verify/fis';
import { VerifyClients } from '../../lib/verify/verify';

/** The clients of the checks found by resource type, with static credentials (mock them with aws-sdk-client-mock). */
export function otherClients(credentials: { accessKeyId: string; secretAccessKey: string }): Omit<VerifyClients, 'cloudFormation' | 'cloudWatch' | 'secretsManager'> {
  return {
    backup: (region) => new BackupClient({ region, credentials }),
    fis: (region) => new FisClient({ region, endpoint: 'http://127.0.0.1:9' }),
    guardDuty: (region) => new GuardDutyClient({ region, credentials }),
    securityHub: (region) => new SecurityHubClient({ region, credentials }),
    accessAnalyzer: (region) => new AccessAnalyzerClient({ region, credentials }),
    cloudTrail: (region) => new CloudTrailClient({ region, credentials }),
    budgets: (region) => new BudgetsClient({ region, credentials }),
    costExplorer: (region) => new CostExplorerClient({ region, credentials }),
    elastiCache: (region) => new ElastiCacheClient({ region, credentials }),
  };
}
