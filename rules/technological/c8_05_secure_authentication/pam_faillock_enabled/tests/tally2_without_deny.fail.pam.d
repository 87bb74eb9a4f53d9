# annexa-pam-service: login
auth	required	/lib/security/pam_tally2.so onerr=fail
auth	required	pam_unix.so
