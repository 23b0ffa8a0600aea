-- The fence: does (worker, attempt) still own the task? A worker cut off from Redis may
-- have been replaced by another attempt; the stale one records nothing. An empty worker
-- means no fence (the reconciler speaking for a lost job).
local function ownsAttempt(ownerWorker, ownerAttempt, worker, attempt)
  if worker == '' then return true end
  return ownerWorker == worker and ownerAttempt == attempt
end
