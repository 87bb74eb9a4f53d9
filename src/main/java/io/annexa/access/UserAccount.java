package io.annexa.access;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import java.time.Instant;

/** A person or script that signs in to Annexa with a name and password. The table comes from a Flyway migration. */
@Entity
@Table(name = "annexa_user")
public class UserAccount {

    @Id
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "annexa_user_ids")
    @TableGenerator(name = "annexa_user_ids", table = "access_ids", pkColumnName = "name", valueColumnName = "next_id",
            pkColumnValue = "annexa_user", allocationSize = 1)
    private Long id;

    @Column(name = "name", nullable = false, unique = true, length = 64)
    private String name;

    @Column(name = "password_hash", nullable = false, length = 200)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(name = "role", nullable = false, length = 20)
    private Role role;

    @Column(name = "disabled", nullable = false)
    private boolean disabled;

    @Convert(converter = InstantColumn.class)
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Convert(converter = InstantColumn.class)
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected UserAccount() {
    }

    UserAccount(String name, String passwordHash, Role role, Instant now) {
        this.name = name;
        this.passwordHash = passwordHash;
        this.role = role;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    public Role getRole() {
        return role;
    }

    public boolean isDisabled() {
        return disabled;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    void setPasswordHash(String passwordHash, Instant now) {
        this.passwordHash = passwordHash;
        this.updatedAt = now;
    }

    void setRole(Role role, Instant now) {
        this.role = role;
        this.updatedAt = now;
    }

    void setDisabled(boolean disabled, Instant now) {
        this.disabled = disabled;
        this.updatedAt = now;
    }
}
