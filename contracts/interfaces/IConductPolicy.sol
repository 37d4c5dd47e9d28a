// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title IConductPolicy
 * @notice The consortium's conduct policy for contacting debtors (docs/design.md §25): the hours contact may
 * start in (minutes of the day in the debtor's local time, China time), the daily cap of connected contacts per
 * debtor over every agency, whether an open complaint or a promise to pay not yet due pauses contact, and whether a
 * gateway refuses (fails closed) when another holder's tally cannot be current. The operator changes it with a
 * notice period: a new version is an event and comes into force at its `effectiveFrom`, never sooner than
 * {NOTICE_PERIOD} after it was published, so that every gateway can read it in advance and every member can see
 * it coming. Versions are append-only; {policyAt} answers which one was in force at any time. A lender may publish
 * stricter hours for its own cases (only stricter than the policy in force and every version announced).
 */
interface IConductPolicy {
    /// @notice One version of the policy.
    struct Policy {
        /// @notice Contact may start from this minute of the day (0–1439) …
        uint16 allowedFromMinute;
        /// @notice … until before this minute (1–1440), after `allowedFromMinute`.
        uint16 allowedToMinute;
        /// @notice Connected contacts per debtor per day over every agency, 1–{MAX_DAILY_CAP}.
        uint8 dailyCap;
        bool pauseOnComplaint;
        bool pauseOnPromise;
        bool failClosed;
        /// @notice When this version comes into force (unix seconds).
        uint40 effectiveFrom;
    }

    /// @notice A lender's own hours for its cases; both zero when it published none.
    struct Hours {
        uint16 fromMinute;
        uint16 toMinute;
    }

    /// @notice Version `version` of the policy was published; it is in force from `policy.effectiveFrom`.
    event ConductPolicyPublished(uint256 indexed version, Policy policy);
    /// @notice Lender `lenderId` published its own hours (both zero: withdrawn), in force at once.
    event LenderHoursPublished(uint32 indexed lenderId, uint16 fromMinute, uint16 toMinute);

    /// @notice Only the MemberRegistry's operator publishes the policy.
    error ConductPolicyNotOperator(address caller);
    /// @notice The hours are not a non-empty window inside one day, or the cap is outside 1–{MAX_DAILY_CAP}.
    error ConductPolicyInvalidPolicy(uint16 allowedFromMinute, uint16 allowedToMinute, uint8 dailyCap);
    /// @notice `effectiveFrom` is sooner than {NOTICE_PERIOD} from now, or not after the last version's.
    error ConductPolicyNoticeTooShort(uint40 effectiveFrom, uint40 earliest);
    /// @notice A lender's hours must lie within the hours of the policy in force and of every version announced.
    error ConductPolicyHoursNotStricter(uint32 lenderId, uint16 fromMinute, uint16 toMinute);

    /**
     * @notice Publishes a new version, in force from `policy.effectiveFrom` (at least {NOTICE_PERIOD} from now and
     * after the last version's). Only the operator. Emits {ConductPolicyPublished}.
     * @return version the new version's number (the first, set at deployment, is 0)
     */
    function publishPolicy(Policy calldata policy) external returns (uint256 version);

    /**
     * @notice Publishes the caller's hours for its own cases: its signer, an active lender. Only stricter hours are
     * accepted; (0, 0) withdraws them. Emits {LenderHoursPublished}.
     */
    function publishLenderHours(uint16 fromMinute, uint16 toMinute) external;

    /// @notice The version in force at `time` (unix seconds): the last whose effectiveFrom is not after it.
    function policyAt(uint40 time) external view returns (Policy memory);

    /// @notice How many versions were published (including the first).
    function policyCount() external view returns (uint256);

    /// @notice Version `version`, in publication order.
    function policyVersion(uint256 version) external view returns (Policy memory);

    /// @notice A lender's own hours (both zero when none).
    function lenderHours(uint32 lenderId) external view returns (Hours memory);

    /// @notice The MemberRegistry it reads the operator and the lenders from.
    function memberRegistry() external view returns (address);

    /// @notice The shortest notice of a new version: 7 days.
    function NOTICE_PERIOD() external view returns (uint256);

    /// @notice The highest daily cap a version may set.
    function MAX_DAILY_CAP() external view returns (uint8);
}
