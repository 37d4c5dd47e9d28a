// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title ICaseRegistry
 * @notice Which agency holds which case, for which creditor, since when and until when.
 *
 * A case is known by its `caseKey`, a keyed hash (HMAC with the consortium pepper) of the originating
 * lender and its loan reference; the debtor by `debtorKey`, the same kind of hash of the ID number. No
 * personal data reaches the chain, and `debtorKey` is only ever emitted in {CaseRegistered}, never stored.
 *
 * A caseKey names its originator: byte 0 is the pepper version, bytes 1–4 the originating lender's member
 * id (uint32, big-endian), bytes 5–31 the hash. Only that member can register it, so no member (every
 * member holds the pepper) can compute or copy another lender's keys and register them first. The prefix
 * stays when the case changes creditor: it names who registered the case, the slot names who holds it.
 *
 * Lifecycle:
 *
 *   None ─register─▶ Registered ─assign─▶ Assigned ─accept─▶ Accepted
 *                       ▲                   │  │                │
 *                       │                   │  └──── return ────┤──▶ Returned ─assign─▶ Assigned …
 *                       │                   └─────── recall ────┴──▶ Recalled ─assign─▶ Assigned …
 *                 transferCreditor (from Registered, Returned, Recalled, or an expired assignment)
 *   settle: from Registered, Assigned, Accepted, Returned, Recalled ──▶ Settled (amount and terms hash in the event)
 *   close:  from any status but Closed ──▶ Closed (terminal)
 *
 * An assignment carries a mandate window [assignedAt, until], `until` inclusive and later than the
 * assigning block, the window at most MAX_MANDATE long (extensions included). Past `until` the
 * assignment is expired: it is no ownership ({isAssignedTo} is false), the agency can neither accept nor
 * return it, and the creditor may assign it again or transfer it; the creditor may also recall it to
 * make the end explicit. An active (unexpired) assignment is exclusive: nobody else can be assigned, even
 * when its agency is suspended (no longer holding it for {isAssignedTo}): the creditor recalls it first, so
 * that the end of every mandate is on record.
 *
 * Batches are all-or-nothing. The first invalid item reverts the whole call with an error whose first
 * argument is the item's index in the batch, so that the gateway can drop or fix that item and resend
 * the rest. A duplicate key inside one batch is invalid at its second occurrence (for example
 * {CaseRegistryAlreadyRegistered} or {CaseRegistryInvalidTransition}). Batches hold 1 to
 * {MAX_BATCH} items.
 *
 * Every caller must be the current signer of an active member with the role the function needs
 * (LENDER for creditor functions, AGENCY for agency functions); suspended and removed members can do
 * nothing. An agency that is suspended or removed holds no case ({isAssignedTo} is false).
 */
interface ICaseRegistry {
    /// @notice Stored status of a case. Expiry is not stored: it follows from `until` and the block time.
    enum CaseStatus {
        None,
        Registered,
        Assigned,
        Accepted,
        Returned,
        Recalled,
        Settled,
        Closed
    }

    /**
     * @notice A case as {caseOf} returns it.
     * @param creditorId member id of the creditor
     * @param agencyId member id of the current or last agency, 0 if never assigned or after a transfer
     * @param assignedAt block time of the current or last assignment
     * @param until last second of the mandate (inclusive), 0 when never assigned
     * @param status stored status
     * @param expired true when the status is Assigned or Accepted and the mandate has run out
     */
    // A view's return value, never stored (CaseSlot is what is stored), so its packing does not matter.
    // solhint-disable-next-line gas-struct-packing
    struct CaseState {
        uint32 creditorId;
        uint32 agencyId;
        uint40 assignedAt;
        uint40 until;
        CaseStatus status;
        bool expired;
    }

    /// @notice `caseKey` of debtor `debtorKey` was registered by creditor `creditorId`.
    event CaseRegistered(bytes32 indexed caseKey, bytes32 indexed debtorKey, uint32 indexed creditorId);
    /**
     * @notice `caseKeys` were assigned by `creditorId` to `agencyId` from this block's time until `until`.
     * @dev One event per batch rather than per case: it is the gas-critical path (see BENCHMARKS.md).
     */
    event CasesAssigned(uint32 indexed creditorId, uint32 indexed agencyId, uint40 until, bytes32[] caseKeys);
    /// @notice The agency accepted the case.
    event CaseAccepted(bytes32 indexed caseKey, uint32 indexed agencyId);
    /// @notice The agency returned the case to its creditor.
    event CaseReturned(bytes32 indexed caseKey, uint32 indexed agencyId);
    /// @notice The creditor recalled the case from the agency.
    event CaseRecalled(bytes32 indexed caseKey, uint32 indexed agencyId);
    /// @notice The creditor extended the mandate of the agency to `until`.
    event CaseMandateExtended(bytes32 indexed caseKey, uint32 indexed agencyId, uint40 previousUntil, uint40 until);
    /**
     * @notice The debt was settled (repaid or agreed) for `settledFen` (in fen; 0 for a write-off) on the terms
     * whose SHA-256 is `termsHash` (zero when no terms document); any mandate ends.
     * @dev The amount and the terms hash are in the event only, never stored: the case keeps its one slot.
     */
    event CaseSettled(bytes32 indexed caseKey, uint32 indexed creditorId, uint64 settledFen, bytes32 termsHash);
    /// @notice The case was closed for good.
    event CaseClosed(bytes32 indexed caseKey, uint32 indexed creditorId);
    /// @notice The case was sold or transferred from creditor `fromCreditorId` to `toCreditorId`.
    event CaseCreditorTransferred(bytes32 indexed caseKey, uint32 indexed fromCreditorId, uint32 indexed toCreditorId);

    /// @notice A batch must hold at least one item.
    error CaseRegistryEmptyBatch();
    /// @notice A batch holds `size` items, more than `maxSize`.
    error CaseRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice `caseKeys` and `debtorKeys` have different lengths.
    error CaseRegistryLengthMismatch(uint256 caseKeys, uint256 debtorKeys);
    /// @notice Item `index` has a zero caseKey or debtorKey.
    error CaseRegistryZeroKey(uint256 index);
    /// @notice Item `index`: `caseKey` is already registered.
    error CaseRegistryAlreadyRegistered(uint256 index, bytes32 caseKey);
    /// @notice Item `index`: `caseKey` names originator `originatorId` (bytes 1–4), not the caller.
    error CaseRegistryForeignKey(uint256 index, bytes32 caseKey, uint32 originatorId);
    /// @notice Item `index`: `caseKey` was never registered.
    error CaseRegistryUnknownCase(uint256 index, bytes32 caseKey);
    /// @notice Item `index`: member `memberId` is not the creditor of `caseKey`.
    error CaseRegistryNotCreditor(uint256 index, bytes32 caseKey, uint32 memberId);
    /// @notice Item `index`: member `memberId` does not hold an assignment of `caseKey`.
    error CaseRegistryNotAgency(uint256 index, bytes32 caseKey, uint32 memberId);
    /// @notice Item `index`: the transition is not allowed from `status`.
    error CaseRegistryInvalidTransition(uint256 index, bytes32 caseKey, CaseStatus status);
    /// @notice Item `index`: the mandate of `caseKey` ran out at `until`.
    error CaseRegistryMandateExpired(uint256 index, bytes32 caseKey, uint40 until);
    /// @notice Item `index`: `caseKey` is held by `agencyId` until `until`; assignments are exclusive.
    error CaseRegistryMandateActive(uint256 index, bytes32 caseKey, uint32 agencyId, uint40 until);
    /// @notice Item `index`: the new `until` is not later than the current `currentUntil`.
    error CaseRegistryUntilNotLater(uint256 index, bytes32 caseKey, uint40 currentUntil, uint40 until);
    /// @notice `until` lies outside [`minUntil`, `maxUntil`] (now + 1 .. now + MAX_MANDATE).
    error CaseRegistryInvalidUntil(uint40 until, uint40 minUntil, uint40 maxUntil);
    /// @notice Item `index`: extending to `until` would make the mandate since `assignedAt` longer than MAX_MANDATE.
    error CaseRegistryMandateTooLong(uint256 index, bytes32 caseKey, uint40 assignedAt, uint40 until);
    /// @notice {settle} got `settledFen` amounts for `caseKeys` cases: one amount per case is needed.
    error CaseRegistrySettledLengthMismatch(uint256 caseKeys, uint256 settledFen);
    /// @notice A transfer to the creditor that already holds the case.
    error CaseRegistrySameCreditor(uint32 memberId);

    /// @notice Largest batch accepted by every batch function.
    function MAX_BATCH() external view returns (uint256);

    /// @notice Longest mandate window [assignedAt, until], in seconds; extensions included.
    function MAX_MANDATE() external view returns (uint256);

    /// @notice The member registry consulted for every call.
    function memberRegistry() external view returns (address);

    /**
     * @notice Registers cases for the caller as creditor, without an agency (they stay with the lender).
     * Every caseKey must name the caller as its originator (bytes 1–4), else {CaseRegistryForeignKey}.
     * @param caseKeys the cases
     * @param debtorKeys the debtor of each case, same length
     */
    function register(bytes32[] calldata caseKeys, bytes32[] calldata debtorKeys) external;

    /**
     * @notice Registers cases for the caller as creditor and assigns them to `agencyId` until `until`.
     * The common path of a lender's upload, and the one the gas target is for. Keys as for {register}.
     */
    function registerAndAssign(
        uint32 agencyId,
        uint40 until,
        bytes32[] calldata caseKeys,
        bytes32[] calldata debtorKeys
    ) external;

    /// @notice Assigns registered, returned, recalled or expired cases of the caller to `agencyId`.
    function assign(uint32 agencyId, uint40 until, bytes32[] calldata caseKeys) external;

    /// @notice The agency accepts cases assigned to it (within their mandate).
    function accept(bytes32[] calldata caseKeys) external;

    /// @notice The agency returns cases it holds to their creditor.
    function returnCases(bytes32[] calldata caseKeys) external;

    /// @notice The creditor recalls cases from their agency (also after expiry, to make the end explicit).
    function recall(bytes32[] calldata caseKeys) external;

    /**
     * @notice The creditor extends unexpired mandates to `until`, later than each current one and no more than
     * MAX_MANDATE after each assignment: a longer engagement is a new assignment, with its own record.
     */
    function extend(bytes32[] calldata caseKeys, uint40 until) external;

    /**
     * @notice The creditor marks cases settled; a held mandate ends. The creditor states what each case was
     * settled for, so that the amount is on record for every member (agency scorecards) and for a court.
     * @param caseKeys the cases
     * @param settledFen the amount each case was settled for, in fen (0 for a write-off); same length
     * @param termsHash SHA-256 of the settlement terms document, zero when there is none; one per batch
     */
    function settle(bytes32[] calldata caseKeys, uint64[] calldata settledFen, bytes32 termsHash) external;

    /// @notice The creditor closes cases for good.
    function close(bytes32[] calldata caseKeys) external;

    /**
     * @notice The creditor transfers cases to another creditor (sale of an NPL package). Cases must not be
     * held under an unexpired mandate: recall them first. The cases arrive as `Registered`.
     */
    function transferCreditor(bytes32[] calldata caseKeys, uint32 toCreditorId) external;

    /// @notice The case; an unknown key gives status `None`.
    function caseOf(bytes32 caseKey) external view returns (CaseState memory);

    /// @notice The cases of a batch, in order.
    function casesOf(bytes32[] calldata caseKeys) external view returns (CaseState[] memory);

    /**
     * @notice True only when `agencyId` holds `caseKey` now: status Assigned or Accepted, within the
     * mandate window, and the agency an active AGENCY member.
     */
    function isAssignedTo(bytes32 caseKey, uint32 agencyId) external view returns (bool);
}
